import { A } from "@solidjs/router";
import { Empty, PageHeader } from "../ui";

export default function NotFound() {
  return (
    <>
      <PageHeader title="Page not found" />
      <Empty title="There is nothing at this address">
        <p>
          <A href="/">Go to your dashboard</A>
        </p>
      </Empty>
    </>
  );
}
