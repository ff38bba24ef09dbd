import { createSignal } from "solid-js";
import { render } from "solid-js/web";
import { type Column, VirtualTable } from "../../src/ui/virtual-table";
import "../../src/ui/styles.css";

/** The keyword table's windowing component alone, with 100,000 keyword-like rows, for the smoothness test. */
interface Row {
  id: string;
  keyword: string;
  volume: number;
  difficulty: number;
  intent: string;
}

const count = Number(new URLSearchParams(location.search).get("rows") ?? 100_000);
const intents = ["informational", "commercial", "transactional", "navigational"];
const rows: Row[] = Array.from({ length: count }, (_, i) => ({
  id: `kw_${i}`,
  keyword: `keyword number ${i} about running shoes`,
  volume: (i * 7919) % 50_000,
  difficulty: (i * 31) % 100,
  intent: intents[i % 4]!,
}));

const columns: Column<Row>[] = [
  { id: "keyword", label: "Keyword", width: "minmax(220px, 3fr)", render: (r) => r.keyword },
  { id: "volume", label: "Volume", width: "100px", numeric: true, render: (r) => r.volume.toLocaleString() },
  { id: "difficulty", label: "KD", width: "70px", numeric: true, render: (r) => r.difficulty },
  { id: "intent", label: "Intent", width: "130px", render: (r) => r.intent },
];

function App() {
  const [selected, setSelected] = createSignal<Set<string>>(new Set());
  return (
    <main style={{ padding: "1rem" }}>
      <VirtualTable
        label="Keywords"
        rows={rows}
        rowKey={(r) => r.id}
        columns={columns}
        selected={(id) => selected().has(id)}
        onToggle={(id) =>
          setSelected((current) => {
            const next = new Set(current);
            if (next.has(id)) next.delete(id);
            else next.add(id);
            return next;
          })
        }
      />
    </main>
  );
}

render(() => <App />, document.getElementById("root")!);
