import { A, useParams } from "@solidjs/router";
import { createEffect, createSignal, For, on, Show } from "solid-js";
import { invalidate } from "../../data/query";
import { type ContentRunEstimate, estimateRun, startRun, type Task, type TaskStatus, useContentRun, useTasks } from "../../data/writer";
import { Badge, Button, Dialog, Empty, ErrorMessage, formatNumber, Loading, Notice, PageHeader, ProgressBar, StatusBadge } from "../../ui";
import { RunErrors } from "../runs/errors";

const columns: { status: TaskStatus; label: string }[] = [
  { status: "queued", label: "Queued" },
  { status: "generating", label: "Generating" },
  { status: "review", label: "In review" },
  { status: "approved", label: "Approved" },
  { status: "published", label: "Published" },
  { status: "failed", label: "Failed" },
];

/** Writing tasks by status; select tasks, see the run's cost, then generate. */
export default function Tasks() {
  const params = useParams();
  const siteId = () => params.siteId!;
  const tasks = useTasks(siteId);
  const [selected, setSelected] = createSignal<Set<string>>(new Set());
  const [estimate, setEstimate] = createSignal<ContentRunEstimate>();
  const [estimateError, setEstimateError] = createSignal<unknown>();
  const [runId, setRunId] = createSignal<string>();
  const [busy, setBusy] = createSignal(false);
  const [cap, setCap] = createSignal(0);
  const run = useContentRun(siteId, runId);
  // When the run ends, the board is read again.
  createEffect(
    on(
      () => run.data?.status,
      (status, previous) => {
        if (previous === "running" && status !== "running") void invalidate("sites", siteId(), "tasks");
      },
    ),
  );
  const byStatus = (status: TaskStatus) => (tasks.data ?? []).filter((t) => t.status === status);
  const selectable = (task: Task) => task.status === "queued" || task.status === "failed" || task.status === "review";

  const toggle = (taskId: string) =>
    setSelected((current) => {
      const next = new Set(current);
      if (next.has(taskId)) next.delete(taskId);
      else next.add(taskId);
      return next;
    });

  const askEstimate = async () => {
    setBusy(true);
    setEstimateError(undefined);
    try {
      const estimated = await estimateRun(siteId(), [...selected()]);
      // An estimate is not a quote: the default cap leaves room above it; the person can change it.
      setCap(Math.ceil(estimated.total * 2));
      setEstimate(estimated);
    } catch (error) {
      setEstimateError(error);
    } finally {
      setBusy(false);
    }
  };

  const start = async () => {
    const current = estimate();
    if (!current) return;
    setBusy(true);
    setEstimateError(undefined);
    try {
      const started = await startRun(siteId(), [...selected()], "full", Math.max(current.total, cap()));
      setRunId(started.runId);
      setEstimate(undefined);
      setSelected(new Set<string>());
      await invalidate("sites", siteId(), "tasks");
    } catch (error) {
      setEstimateError(error);
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <PageHeader
        title="Tasks"
        description="Writing tasks from your ideas. Select tasks to generate their content."
        actions={
          <Button kind="primary" disabled={selected().size === 0} busy={busy() && !estimate()} onClick={askEstimate}>
            Generate {selected().size || ""} selected
          </Button>
        }
      />
      <Show when={run.data}>
        {(r) => (
          <section class="card stack" aria-labelledby="content-run-title" data-testid="content-run">
            <h2 id="content-run-title">
              Content run <StatusBadge status={r().status} />
            </h2>
            <ProgressBar label="Generating content" done={r().progress.done} failed={r().progress.failed} total={r().progress.total || r().tasks.length} />
            <ul class="small">
              <For each={r().tasks}>
                {(t) => (
                  <li>
                    <A href={`/sites/${siteId()}/tasks/${t.taskId}`}>{t.title}</A> <StatusBadge status={t.status} />
                    {t.failureReason ? ` ${t.failureReason}` : ""}
                  </li>
                )}
              </For>
            </ul>
            <RunErrors execution={r()} />
          </section>
        )}
      </Show>
      <ErrorMessage error={tasks.error} />
      <Show when={tasks.data} fallback={<Loading />}>
        <Show
          when={tasks.data!.length > 0}
          fallback={
            <Empty title="No tasks yet">
              <p>
                Turn <A href={`/sites/${siteId()}/ideas`}>ideas</A> into tasks to start writing.
              </p>
            </Empty>
          }
        >
          <div class="board">
            <For each={columns}>
              {(column) => (
                <section class="board-column" aria-labelledby={`col-${column.status}`}>
                  <h2 id={`col-${column.status}`}>
                    {column.label} <Badge>{byStatus(column.status).length}</Badge>
                  </h2>
                  <For each={byStatus(column.status)}>
                    {(task) => (
                      <article class="board-card" data-testid="task-card">
                        <div class="row" style={{ "align-items": "flex-start", "flex-wrap": "nowrap" }}>
                          <Show when={selectable(task)}>
                            <input type="checkbox" aria-label={`Select ${task.title}`} checked={selected().has(task.taskId)} onChange={() => toggle(task.taskId)} />
                          </Show>
                          <A href={`/sites/${siteId()}/tasks/${task.taskId}`}>{task.title}</A>
                        </div>
                        <span class="small muted">
                          {task.contentType} · {task.structure.replaceAll("_", " ")} · {formatNumber(task.wordCount)} words
                        </span>
                        <Show when={task.failureReason}>
                          <span class="small" style={{ color: "var(--danger)" }}>
                            {task.failureReason}
                          </span>
                        </Show>
                      </article>
                    )}
                  </For>
                </section>
              )}
            </For>
          </div>
        </Show>
      </Show>
      <Dialog
        open={Boolean(estimate()) || Boolean(estimateError())}
        title="Cost of this run"
        onClose={() => {
          setEstimate(undefined);
          setEstimateError(undefined);
        }}
        footer={
          <>
            <Button
              kind="ghost"
              onClick={() => {
                setEstimate(undefined);
                setEstimateError(undefined);
              }}
            >
              Cancel
            </Button>
            <Button kind="primary" busy={busy()} disabled={!estimate()?.fits} onClick={start}>
              Start generating
            </Button>
          </>
        }
      >
        <ErrorMessage error={estimateError()} />
        <Show when={estimate()}>
          {(e) => (
            <div class="stack">
              <p data-testid="run-estimate">
                <strong>{formatNumber(e().total)} credits</strong> for {e().tasks.length} tasks; {formatNumber(e().available)} available
                {e().metered ? "" : " (credits are not metered on this plan)"}.
              </p>
              <div class="table-wrap">
                <table class="table">
                  <thead>
                    <tr>
                      <th scope="col">Task</th>
                      <th scope="col" class="num">
                        Content
                      </th>
                      <th scope="col" class="num">
                        Images
                      </th>
                      <th scope="col" class="num">
                        Total
                      </th>
                    </tr>
                  </thead>
                  <tbody>
                    <For each={e().tasks}>
                      {(t) => (
                        <tr>
                          <td>{t.title}</td>
                          <td class="num">{formatNumber(t.content + t.imagePrompts)}</td>
                          <td class="num">
                            {formatNumber(t.images)} ({t.imageCount})
                          </td>
                          <td class="num">{formatNumber(t.total)}</td>
                        </tr>
                      )}
                    </For>
                  </tbody>
                </table>
              </div>
              <div class="field" style={{ "max-width": "16rem" }}>
                <label for="run-cap">Stop the run above (credits)</label>
                <input id="run-cap" type="number" min={e().total} value={cap()} onInput={(event) => setCap(Number(event.currentTarget.value) || 0)} />
                <span class="hint">The run stops before it spends more than this.</span>
              </div>
              <For each={e().problems}>{(problem) => <Notice kind="warn">{problem.message}</Notice>}</For>
            </div>
          )}
        </Show>
      </Dialog>
    </>
  );
}
