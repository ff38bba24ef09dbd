// Vitest (Vite) resolves import.meta.glob at transform time; this is its type for tests.
interface ImportMeta {
  glob<T = unknown>(pattern: string | string[], options?: { eager?: boolean; import?: string }): Record<string, T>;
}
