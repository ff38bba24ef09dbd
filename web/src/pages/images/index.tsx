import { A, useParams } from "@solidjs/router";
import { For, Show } from "solid-js";
import { useContents } from "../../data/writer";
import { Empty, ErrorMessage, Loading, PageHeader } from "../../ui";
import { Gallery } from "../content";

/** Every generated image of the site, grouped by the content it illustrates, with provenance. */
export default function Images() {
  const params = useParams();
  const siteId = () => params.siteId!;
  const contents = useContents(siteId);
  return (
    <>
      <PageHeader title="Images" description="AI-generated images with their provenance: model, prompt and date. Edit alt text for accessibility and SEO." />
      <ErrorMessage error={contents.error} />
      <Show when={contents.data} fallback={<Loading />}>
        <Show when={contents.data!.some((c) => c.imageIds.length > 0)} fallback={<Empty title="No images yet"><p>Images are generated with the content of a task.</p></Empty>}>
          <For each={contents.data!.filter((c) => c.imageIds.length > 0)}>
            {(content) => (
              <section class="stack" aria-labelledby={`images-${content.contentId}`}>
                <h2 id={`images-${content.contentId}`}>
                  <A href={`/sites/${siteId()}/tasks/${content.taskId}?tab=images`}>{content.title}</A>
                </h2>
                <Gallery siteId={siteId()} contentId={content.contentId} />
              </section>
            )}
          </For>
        </Show>
      </Show>
    </>
  );
}
