import { WordPressClient, type WordPressPost } from "@igny8/core/publishing/wordpress";
import { describe } from "vitest";
import { availability, type WordPressInstance } from "./index";

/** Helpers for the tests that run against the harness's WordPress. */

const available = availability();
if (!available.ok && process.env.CI) {
  // CI installs the packages first (install-packages.sh): a skip there would hide a broken suite.
  throw new Error(available.reason);
}
if (!available.ok) console.warn(`skipping real-WordPress tests: ${available.reason}`);

export const describeWordPress = describe.skipIf(!available.ok);

export type Role = "admin" | "editor" | "author";

export function clientFor(wp: WordPressInstance, role: Role = "admin"): WordPressClient {
  const user = wp.users[role];
  return new WordPressClient({
    url: wp.url,
    username: user.username,
    appPassword: user.appPassword,
  });
}

let unique = 0;
/** A slug no other test (or earlier run against the same site) uses. */
export function uniqueSlug(prefix: string): string {
  unique += 1;
  return `${prefix}-${process.pid}-${Date.now().toString(36)}-${unique}`;
}

/** Every post of a type carrying this content's marker, in any status including the trash. */
export async function postsOfContent(
  admin: WordPressClient,
  contentId: string,
  restBase = "posts",
): Promise<WordPressPost[]> {
  const posts = await admin.getAll<WordPressPost>(`/wp/v2/${restBase}`, {
    status: ["publish", "future", "draft", "pending", "private", "trash"],
    search: contentId,
    context: "edit",
  });
  return posts.filter((post) => post.content.raw?.includes(`igny8:${contentId} `));
}

/** How many items the media library holds. */
export async function mediaCount(admin: WordPressClient): Promise<number> {
  const response = await admin.get<unknown[]>("/wp/v2/media", { per_page: 1, _fields: "id" });
  return Number(response.headers.get("x-wp-total"));
}
