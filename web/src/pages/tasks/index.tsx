import { A, useParams } from "@solidjs/router";
import { createEffect, createSignal, For, on, Show } from "solid-js";
import { describeError } from "../../data/errors";
import { useConnections } from "../../data/publisher";
import { invalidate, key, queryClient } from "../../data/query";
import {
  type ContentRunEstimate,
  estimateRun,
  setTaskStatus,
  startRun,
  type Task,
  type TaskStatus,
  useContentRun,
  useTasks,
} from "../../data/writer";
import {
  Badge,
  Button,
  Dialog,
  Empty,
  ErrorMessage,
  formatDate,
  formatNumber,
  Loading,
  Notice,
  PageHeader,
  ProgressBar,
  SelectField,
  StatusBadge,
  TextField,
  toast,
} from "../../ui";
import { RunErrors } from "../runs/errors";

const columns: { status: TaskStatus; label: string }[] = [
  { status: "queued", label: "Queued" },
  { status: "generating", label: "Generating" },
  { status: "review", label: "In review" },
  { status: "approved", label: "Approved" },
  { status: "published", label: "Published" },
  { status: "failed", label: "Failed" },
];

/** The columns a person may move a task into; the API decides which moves are allowed from where. */
const settable = new Set<TaskStatus>(["queued", "review", "approved"]);
const setBy: Partial<Record<TaskStatus, string>> = {
  generating: "Tasks move to Generating when a run starts on them.",
  published:
    "Tasks move to Published when their content is published (from the task's Publish tab).",
  failed: "Tasks move to Failed only when their run fails.",
};
const columnLabel = (status: TaskStatus) =>
  columns.find((c) => c.status === status)?.label ?? status;

/**
 * Writing tasks by status; select tasks, see the run's cost, then generate. A task moves between
 * columns by drag and drop or from the keyboard (its Move button, arrows, Enter); every move goes
 * to the API, and a move it refuses snaps back with its reason.
 */
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
  const connections = useConnections(siteId);
  /** Where the run publishes what it writes ("" = nowhere), how, and when (scheduled). */
  const [publishTo, setPublishTo] = createSignal("");
  const [publishHow, setPublishHow] = createSignal<"publish" | "draft" | "future">("draft");
  const [publishWhen, setPublishWhen] = createSignal("");
  // When the run ends, the board is read again.
  createEffect(
    on(
      () => run.data?.status,
      (status, previous) => {
        if (previous === "running" && status !== "running")
          void invalidate("sites", siteId(), "tasks");
      },
    ),
  );
  const byStatus = (status: TaskStatus) => (tasks.data ?? []).filter((t) => t.status === status);
  const [moveError, setMoveError] = createSignal<string>();
  const [announcement, setAnnouncement] = createSignal("");
  const [dragging, setDragging] = createSignal<string>();
  /** The card lifted from the keyboard and the column it is over. */
  const [lifted, setLifted] = createSignal<{ taskId: string; over: TaskStatus }>();
  const [dropTarget, setDropTarget] = createSignal<TaskStatus>();
  const overColumn = () => lifted()?.over ?? dropTarget();

  /** The card's Move button again after it changed column (the keyboard keeps its place). */
  const refocus = (taskId: string) =>
    requestAnimationFrame(() =>
      document.querySelector<HTMLButtonElement>(`[data-task-id="${taskId}"] .move-handle`)?.focus(),
    );

  const move = async (taskId: string, to: TaskStatus, fromKeyboard = false) => {
    const tasksKey = key("sites", siteId(), "tasks");
    const before = queryClient.getQueryData<Task[]>(tasksKey);
    const task = before?.find((t) => t.taskId === taskId);
    if (!task || task.status === to) return;
    setMoveError(undefined);
    if (!settable.has(to)) {
      const reason = setBy[to] ?? `Tasks cannot be moved to ${columnLabel(to)} by hand.`;
      setMoveError(`“${task.title}” stays in ${columnLabel(task.status)}: ${reason}`);
      setAnnouncement(`${task.title} stays in ${columnLabel(task.status)}.`);
      return;
    }
    // Shown in the new column at once; put back where it was if the API refuses.
    queryClient.setQueryData<Task[]>(tasksKey, (list) =>
      list?.map((t) => (t.taskId === taskId ? { ...t, status: to } : t)),
    );
    if (fromKeyboard) refocus(taskId);
    try {
      await setTaskStatus(siteId(), taskId, to as "queued" | "review" | "approved");
      setAnnouncement(`${task.title} moved to ${columnLabel(to)}.`);
      toast(`Moved to ${columnLabel(to)}`);
    } catch (error) {
      queryClient.setQueryData<Task[]>(tasksKey, (list) =>
        list?.map((t) => (t.taskId === taskId ? { ...t, status: task.status } : t)),
      );
      if (fromKeyboard) refocus(taskId);
      setMoveError(`“${task.title}” stays in ${columnLabel(task.status)}: ${describeError(error)}`);
      setAnnouncement(
        `${task.title} stays in ${columnLabel(task.status)}. ${describeError(error)}`,
      );
    } finally {
      await invalidate("sites", siteId(), "tasks");
      // The board read again renders the card anew: the keyboard keeps its place on it.
      if (fromKeyboard) refocus(taskId);
    }
  };

  const onMoveKey = (task: Task, event: KeyboardEvent) => {
    const current = lifted();
    const order = columns.map((c) => c.status);
    if (!current || current.taskId !== task.taskId) {
      if (event.key === "Enter" || event.key === " ") {
        event.preventDefault();
        setLifted({ taskId: task.taskId, over: task.status });
        setAnnouncement(
          `Picked up ${task.title} in ${columnLabel(task.status)}. Arrow keys choose a column, Enter drops it there, Escape cancels.`,
        );
      }
      return;
    }
    if (
      event.key === "ArrowRight" ||
      event.key === "ArrowDown" ||
      event.key === "ArrowLeft" ||
      event.key === "ArrowUp"
    ) {
      event.preventDefault();
      const step = event.key === "ArrowRight" || event.key === "ArrowDown" ? 1 : -1;
      const next = order[(order.indexOf(current.over) + step + order.length) % order.length]!;
      setLifted({ taskId: task.taskId, over: next });
      setAnnouncement(`Over ${columnLabel(next)}.`);
    } else if (event.key === "Enter" || event.key === " ") {
      event.preventDefault();
      setLifted(undefined);
      if (current.over === task.status)
        setAnnouncement(`${task.title} stays in ${columnLabel(task.status)}.`);
      else void move(task.taskId, current.over, true);
    } else if (event.key === "Escape") {
      event.preventDefault();
      setLifted(undefined);
      setAnnouncement(`Move cancelled; ${task.title} stays in ${columnLabel(task.status)}.`);
    }
  };
  const selectable = (task: Task) =>
    task.status === "queued" || task.status === "failed" || task.status === "review";

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
      const destination = publishTo()
        ? {
            connectionId: publishTo(),
            status: publishHow(),
            ...(publishHow() === "future"
              ? { scheduledAt: new Date(publishWhen()).toISOString() }
              : {}),
          }
        : undefined;
      const started = await startRun(
        siteId(),
        [...selected()],
        "full",
        Math.max(current.total, cap()),
        destination,
      );
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
          <Button
            kind="primary"
            disabled={selected().size === 0}
            busy={busy() && !estimate()}
            onClick={askEstimate}
          >
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
            <ProgressBar
              label="Generating content"
              done={r().progress.done}
              failed={r().progress.failed}
              total={r().progress.total || r().tasks.length}
            />
            <Show when={r().publish}>
              {(destination) => (
                <p class="small muted" data-testid="content-run-destination">
                  Each task's content then goes to{" "}
                  {connections.data?.find((c) => c.connectionId === destination().connectionId)
                    ?.name ?? "WordPress"}{" "}
                  {destination().status === "draft"
                    ? "as a draft"
                    : destination().status === "future"
                      ? `scheduled for ${formatDate(destination().scheduledAt)}`
                      : "published at once"}
                  .
                </p>
              )}
            </Show>
            <ul class="small">
              <For each={r().tasks}>
                {(t) => (
                  <li>
                    <A href={`/sites/${siteId()}/tasks/${t.taskId}`}>{t.title}</A>{" "}
                    <StatusBadge status={t.status} />
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
          <p class="small muted" id="board-help">
            Drag a card to another column, or focus its Move button and use Enter, the arrow keys
            and Enter again.
          </p>
          <Show when={moveError()}>
            <div class="alert error" role="alert" data-testid="move-error">
              {moveError()}
            </div>
          </Show>
          <div class="visually-hidden" aria-live="assertive" data-testid="board-announcer">
            {announcement()}
          </div>
          <div class="board">
            <For each={columns}>
              {(column) => (
                <section
                  class={`board-column ${overColumn() === column.status ? "drop-target" : ""}`}
                  aria-labelledby={`col-${column.status}`}
                  data-status={column.status}
                  onDragOver={(event) => {
                    if (!dragging()) return;
                    event.preventDefault();
                    if (event.dataTransfer) event.dataTransfer.dropEffect = "move";
                    setDropTarget(column.status);
                  }}
                  onDragLeave={(event) => {
                    if (!event.currentTarget.contains(event.relatedTarget as Node | null))
                      setDropTarget(undefined);
                  }}
                  onDrop={(event) => {
                    event.preventDefault();
                    const taskId = event.dataTransfer?.getData("text/plain") || dragging();
                    setDropTarget(undefined);
                    setDragging(undefined);
                    if (taskId) void move(taskId, column.status);
                  }}
                >
                  <h2 id={`col-${column.status}`}>
                    {column.label} <Badge>{byStatus(column.status).length}</Badge>
                  </h2>
                  <For each={byStatus(column.status)}>
                    {(task) => (
                      <article
                        class={`board-card ${lifted()?.taskId === task.taskId || dragging() === task.taskId ? "lifted" : ""}`}
                        data-testid="task-card"
                        data-task-id={task.taskId}
                        draggable={task.status !== "generating"}
                        onDragStart={(event) => {
                          event.dataTransfer?.setData("text/plain", task.taskId);
                          if (event.dataTransfer) event.dataTransfer.effectAllowed = "move";
                          setDragging(task.taskId);
                          setMoveError(undefined);
                        }}
                        onDragEnd={() => {
                          setDragging(undefined);
                          setDropTarget(undefined);
                        }}
                      >
                        <div
                          class="row"
                          style={{ "align-items": "flex-start", "flex-wrap": "nowrap" }}
                        >
                          <Show when={selectable(task)}>
                            <input
                              type="checkbox"
                              aria-label={`Select ${task.title}`}
                              checked={selected().has(task.taskId)}
                              onChange={() => toggle(task.taskId)}
                            />
                          </Show>
                          <A
                            href={`/sites/${siteId()}/tasks/${task.taskId}`}
                            draggable={false}
                            style={{ flex: 1 }}
                          >
                            {task.title}
                          </A>
                          <Show when={task.status !== "generating"}>
                            <button
                              type="button"
                              class="button small ghost move-handle"
                              aria-label={`Move ${task.title}`}
                              aria-describedby="board-help"
                              aria-pressed={lifted()?.taskId === task.taskId}
                              onKeyDown={(event) => onMoveKey(task, event)}
                              onBlur={() => {
                                if (lifted()?.taskId === task.taskId) setLifted(undefined);
                              }}
                            >
                              ⇄
                            </button>
                          </Show>
                        </div>
                        <span class="small muted">
                          {task.contentType} · {task.structure.replaceAll("_", " ")} ·{" "}
                          {formatNumber(task.wordCount)} words
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
            <Button
              kind="primary"
              busy={busy()}
              disabled={
                !estimate()?.fits ||
                Boolean(publishTo() && publishHow() === "future" && !publishWhen())
              }
              onClick={start}
            >
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
                <strong>{formatNumber(e().total)} credits</strong> for {e().tasks.length} tasks;{" "}
                {formatNumber(e().available)} available
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
                <input
                  id="run-cap"
                  type="number"
                  min={e().total}
                  value={cap()}
                  onInput={(event) => setCap(Number(event.currentTarget.value) || 0)}
                />
                <span class="hint">The run stops before it spends more than this.</span>
              </div>
              <Show when={(connections.data?.length ?? 0) > 0}>
                <fieldset class="stack">
                  <legend>After writing</legend>
                  <div class="grid">
                    <SelectField
                      label="Publish to"
                      name="publishTo"
                      value={publishTo()}
                      onChange={setPublishTo}
                      options={[
                        { value: "", label: "Don't publish (review first)" },
                        ...(connections.data ?? []).map((c) => ({
                          value: c.connectionId,
                          label: `${c.name} (${c.url})`,
                        })),
                      ]}
                    />
                    <Show when={publishTo()}>
                      <SelectField
                        label="How"
                        name="publishHow"
                        value={publishHow()}
                        onChange={setPublishHow}
                        options={[
                          { value: "draft", label: "As drafts" },
                          { value: "publish", label: "Publish at once" },
                          { value: "future", label: "Schedule" },
                        ]}
                      />
                    </Show>
                    <Show when={publishTo() && publishHow() === "future"}>
                      <TextField
                        label="Publish at"
                        name="publishWhen"
                        type="datetime-local"
                        value={publishWhen()}
                        onInput={setPublishWhen}
                      />
                    </Show>
                  </div>
                </fieldset>
              </Show>
              <For each={e().problems}>
                {(problem) => <Notice kind="warn">{problem.message}</Notice>}
              </For>
            </div>
          )}
        </Show>
      </Dialog>
    </>
  );
}
