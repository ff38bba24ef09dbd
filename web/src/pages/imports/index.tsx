import { A, useParams } from "@solidjs/router";
import { For, Show } from "solid-js";
import { useImports } from "../../data/planner";
import { Empty, ErrorMessage, formatDate, formatNumber, Loading, PageHeader, StatusBadge } from "../../ui";

export default function Imports() {
  const params = useParams();
  const siteId = () => params.siteId!;
  const imports = useImports(siteId);
  return (
    <>
      <PageHeader
        title="Keyword imports"
        description="Semrush, Ahrefs, Moz, Ubersuggest, Search Console and plain CSV exports."
        actions={
          <A class="button primary" href={`/sites/${siteId()}/imports/new`}>
            New import
          </A>
        }
      />
      <ErrorMessage error={imports.error} />
      <Show when={imports.data} fallback={<Loading />}>
        <Show
          when={imports.data!.items.length > 0}
          fallback={
            <Empty title="No imports yet">
              <p>
                <A href={`/sites/${siteId()}/imports/new`}>Import your first keyword export.</A>
              </p>
            </Empty>
          }
        >
          <div class="table-wrap">
            <table class="table">
              <thead>
                <tr>
                  <th scope="col">File</th>
                  <th scope="col">Format</th>
                  <th scope="col">Status</th>
                  <th scope="col" class="num">
                    Added
                  </th>
                  <th scope="col" class="num">
                    Merged
                  </th>
                  <th scope="col" class="num">
                    Rejected
                  </th>
                  <th scope="col">Started</th>
                </tr>
              </thead>
              <tbody>
                <For each={imports.data!.items}>
                  {(item) => (
                    <tr>
                      <td>
                        <A href={`/sites/${siteId()}/imports/${item.importId}`}>{item.fileName}</A>
                      </td>
                      <td>{item.detection?.formatLabel ?? "–"}</td>
                      <td>
                        <StatusBadge status={item.status} />
                      </td>
                      <td class="num">{formatNumber(item.summary?.created ?? item.progress?.created)}</td>
                      <td class="num">{formatNumber(item.summary?.merged ?? item.progress?.merged)}</td>
                      <td class="num">{formatNumber(item.summary?.rejected ?? item.progress?.rejected)}</td>
                      <td>{formatDate(item.createdAt)}</td>
                    </tr>
                  )}
                </For>
              </tbody>
            </table>
          </div>
        </Show>
      </Show>
    </>
  );
}
