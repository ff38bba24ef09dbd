import { defineConfig } from "vite";
import solid from "vite-plugin-solid";

export default defineConfig({
  plugins: [solid()],
  server: { port: Number(process.env.IGNY8_WEB_PORT ?? 4173), strictPort: true },
  build: { target: "es2022", sourcemap: true },
});
