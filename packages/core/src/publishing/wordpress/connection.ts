import { VisibleError } from "../../util/error";
import type { WordPressClient } from "./client";

export interface WordPressSiteInfo {
  name: string;
  url: string;
  home: string;
  gmtOffset: number;
  timezone: string;
  namespaces: string[];
  restMode: "pretty" | "query";
}

/** A thing the connected user cannot do, in words a site owner understands. */
export interface ConnectionLimitation {
  code:
    | "cannot_create_categories"
    | "content_filtered"
    | "cannot_publish_pages"
    | "cannot_upload_media"
    | "cannot_edit_others_posts";
  message: string;
}

export interface ConnectionReport {
  site: WordPressSiteInfo;
  user: { id: number; username: string; name: string; roles: string[]; role: string };
  can: {
    publishPosts: boolean;
    publishPages: boolean;
    createCategories: boolean;
    uploadMedia: boolean;
    unfilteredHtml: boolean;
    editOthersPosts: boolean;
  };
  limitations: ConnectionLimitation[];
}

interface RestIndex {
  name?: string;
  url?: string;
  home?: string;
  gmt_offset?: number | string;
  timezone_string?: string;
  namespaces?: string[];
  authentication?: Record<string, unknown> | unknown[];
}

interface RestUserMe {
  id: number;
  username?: string;
  name: string;
  roles?: string[];
  capabilities?: Record<string, boolean>;
}

/**
 * Finds the REST API (`/wp-json/`, or `?rest_route=/` on sites without pretty permalinks) and
 * answers the index. The client is switched to the style that worked.
 */
export async function discoverRestRoot(client: WordPressClient): Promise<RestIndex> {
  const attempts: Array<"pretty" | "query"> =
    client.restMode === "pretty" ? ["pretty", "query"] : ["query", "pretty"];
  let lastError: unknown;
  for (const mode of attempts) {
    client.restMode = mode;
    // Anonymous first (what the site shows everyone); a site that hides REST from visitors
    // may still answer the connected user.
    for (const anonymous of [true, false]) {
      try {
        const { data } = await client.get<RestIndex>("/", undefined, { anonymous });
        if (data && Array.isArray(data.namespaces)) return data;
        lastError = undefined;
        break;
      } catch (error) {
        if (error instanceof VisibleError && error.code === "wordpress.unreachable") throw error;
        lastError = error;
        const hidden =
          error instanceof VisibleError && (error.kind === "auth" || error.kind === "forbidden");
        if (!hidden) break;
      }
    }
  }
  throw new VisibleError(
    "input",
    "wordpress.rest_unavailable",
    `No WordPress REST API answers at ${client.siteUrl}. Check the address; if it is a WordPress site, a plugin (e.g. "Disable REST API") or the server may block /wp-json/ for visitors.`,
    { url: client.siteUrl },
    { cause: lastError },
  );
}

/** Why Application Passwords may be off, most likely first for this site. */
export function applicationPasswordHints(siteUrl: string): string[] {
  const hints = [
    "WordPress offers Application Passwords only over HTTPS: serve the site with a certificate and connect it with an https:// address.",
    "For a local development site without HTTPS, set define('WP_ENVIRONMENT_TYPE', 'local'); in wp-config.php.",
    'A security plugin may switch them off (Wordfence, Solid Security/iThemes, All In One WP Security, "Disable Application Passwords"), or code may return false from the wp_is_application_passwords_available filter: allow them there.',
    "Some hosts strip the Authorization header: make sure it reaches PHP (e.g. SetEnvIf Authorization in .htaccess).",
  ];
  return siteUrl.startsWith("https:") ? hints.slice(2) : hints;
}

/**
 * Checks a connection end to end: the REST API answers, Application Passwords are on, the
 * credentials work (`/wp/v2/users/me?context=edit`), and the user's role can publish posts.
 * Reports the role and what it cannot do.
 */
export async function validateConnection(client: WordPressClient): Promise<ConnectionReport> {
  const index = await discoverRestRoot(client);
  const authentication = index.authentication;
  const hasApplicationPasswords =
    !!authentication && !Array.isArray(authentication) && "application-passwords" in authentication;
  if (!hasApplicationPasswords) {
    const hints = applicationPasswordHints(client.siteUrl);
    throw new VisibleError(
      "input",
      "wordpress.application_passwords_unavailable",
      `${client.siteUrl} does not offer Application Passwords, so no password will be accepted. ${hints[0]}`,
      { url: client.siteUrl, hints },
    );
  }

  const { data: me } = await client.get<RestUserMe>("/wp/v2/users/me", { context: "edit" });
  const caps = me.capabilities ?? {};
  const roles = me.roles ?? [];
  const role = roles[0] ?? "none";
  const can = {
    publishPosts: caps.publish_posts === true,
    publishPages: caps.publish_pages === true,
    createCategories: caps.manage_categories === true,
    uploadMedia: caps.upload_files === true,
    unfilteredHtml: caps.unfiltered_html === true,
    editOthersPosts: caps.edit_others_posts === true,
  };
  if (!can.publishPosts) {
    throw new VisibleError(
      "forbidden",
      "wordpress.cannot_publish",
      `The WordPress user "${me.username ?? client.username}" has the role "${role}", which cannot publish posts. Connect a user with the Author, Editor or Administrator role.`,
      { role, roles },
    );
  }
  const limitations: ConnectionLimitation[] = [];
  if (!can.createCategories) {
    limitations.push({
      code: "cannot_create_categories",
      message: `The "${role}" role cannot create categories: new categories must be created in WordPress first (tags can still be created).`,
    });
  }
  if (!can.unfilteredHtml) {
    limitations.push({
      code: "content_filtered",
      message: `WordPress removes <script>, <iframe>, embeds and on* event attributes from content saved by the "${role}" role.`,
    });
  }
  if (!can.publishPages) {
    limitations.push({
      code: "cannot_publish_pages",
      message: `The "${role}" role cannot publish pages, only posts.`,
    });
  }
  if (!can.uploadMedia) {
    limitations.push({
      code: "cannot_upload_media",
      message: `The "${role}" role cannot upload images, so content with images cannot be published.`,
    });
  }
  if (!can.editOthersPosts) {
    limitations.push({
      code: "cannot_edit_others_posts",
      message: `The "${role}" role can only edit its own posts: posts written by others in WordPress cannot be updated.`,
    });
  }
  return {
    site: {
      name: index.name ?? "",
      url: index.url ?? client.siteUrl,
      home: index.home ?? client.siteUrl,
      gmtOffset: Number(index.gmt_offset ?? 0),
      timezone: index.timezone_string ?? "",
      namespaces: index.namespaces ?? [],
      restMode: client.restMode,
    },
    user: { id: me.id, username: me.username ?? client.username, name: me.name, roles, role },
    can,
    limitations,
  };
}
