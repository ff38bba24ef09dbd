import { render } from "solid-js/web";

function App() {
  return (
    <main>
      <h1>IGNY8</h1>
      <p>The dashboard is being built.</p>
    </main>
  );
}

render(() => <App />, document.getElementById("root")!);
