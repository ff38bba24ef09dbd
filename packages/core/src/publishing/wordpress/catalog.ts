import { logger } from "../../log";
import { VisibleError } from "../../util/error";
import { type WordPressClient, wpCodeOf } from "./client";

export interface WordPressPostType {
  slug: string;
  name: string;
  restBase: string;
  hierarchical: boolean;
  /** Taxonomy slugs, e.g. ["category", "post_tag"]. */
  taxonomies: string[];
  /** Editor features, e.g. "excerpt", "thumbnail", "custom-fields". */
  supports: string[];
}

export interface WordPressTerm {
  id: number;
  name: string;
  slug: string;
  parent: number;
  count: number;
}

export interface WordPressAuthor {
  id: number;
  name: string;
  slug: string;
}

/** Which SEO plugin's fields the site exposes to REST for a post type, and their meta keys. */
export interface SeoFields {
  plugin: "yoast" | "rank-math";
  titleKey: string;
  descriptionKey: string;
  focusKeywordKey?: string;
}

interface RestType {
  slug: string;
  name: string;
  rest_base?: string;
  hierarchical?: boolean;
  viewable?: boolean;
  taxonomies?: string[];
  supports?: Record<string, unknown>;
}

// Types WordPress lists that are not content a reader visits.
const internalTypes = new Set([
  "attachment",
  "nav_menu_item",
  "wp_block",
  "wp_template",
  "wp_template_part",
  "wp_navigation",
  "wp_global_styles",
]);

/** Post types the connected user can write and visitors can view: posts, pages and custom types. */
export function listPostTypes(client: WordPressClient): Promise<WordPressPostType[]> {
  return client.remember("types", async () => {
    const { data } = await client.get<Record<string, RestType>>("/wp/v2/types", {
      context: "edit",
    });
    return Object.values(data)
      .filter((type) => type.rest_base && type.viewable !== false && !internalTypes.has(type.slug))
      .map((type) => ({
        slug: type.slug,
        name: type.name,
        restBase: type.rest_base!,
        hierarchical: type.hierarchical === true,
        taxonomies: type.taxonomies ?? [],
        supports: Object.keys(type.supports ?? {}),
      }));
  });
}

export async function resolvePostType(
  client: WordPressClient,
  slug: string,
): Promise<WordPressPostType> {
  const types = await listPostTypes(client);
  const type = types.find((candidate) => candidate.slug === slug);
  if (!type) {
    throw new VisibleError(
      "input",
      "wordpress.post_type_unknown",
      `The site has no post type "${slug}" that this user can write (it has: ${types.map((t) => t.slug).join(", ")})`,
      { postType: slug, available: types.map((t) => t.slug) },
    );
  }
  return type;
}

const seoCandidates: SeoFields[] = [
  {
    plugin: "yoast",
    titleKey: "_yoast_wpseo_title",
    descriptionKey: "_yoast_wpseo_metadesc",
    focusKeywordKey: "_yoast_wpseo_focuskw",
  },
  {
    plugin: "rank-math",
    titleKey: "rank_math_title",
    descriptionKey: "rank_math_description",
    focusKeywordKey: "rank_math_focus_keyword",
  },
];

/** Picks Yoast, then Rank Math, when the type's REST schema carries their title+description keys. */
export function seoFieldsFromMetaKeys(keys: Iterable<string>): SeoFields | undefined {
  const present = new Set(keys);
  for (const candidate of seoCandidates) {
    if (present.has(candidate.titleKey) && present.has(candidate.descriptionKey)) {
      return {
        ...candidate,
        focusKeywordKey:
          candidate.focusKeywordKey && present.has(candidate.focusKeywordKey)
            ? candidate.focusKeywordKey
            : undefined,
      };
    }
  }
  return undefined;
}

/**
 * The SEO meta keys a post type exposes, read from its schema (OPTIONS on the collection); when a
 * server refuses OPTIONS, from the `meta` of one post read with context=edit.
 */
export function detectSeoFields(
  client: WordPressClient,
  restBase: string,
): Promise<SeoFields | undefined> {
  return client.remember(`seo:${restBase}`, async () => {
    const route = `/wp/v2/${restBase}`;
    try {
      const { data } = await client.request<{
        schema?: { properties?: { meta?: { properties?: Record<string, unknown> } } };
      }>("OPTIONS", route);
      const keys = Object.keys(data?.schema?.properties?.meta?.properties ?? {});
      return seoFieldsFromMetaKeys(keys);
    } catch (error) {
      if (error instanceof VisibleError && error.code === "wordpress.auth_failed") throw error;
      const { data } = await client.get<Array<{ meta?: Record<string, unknown> }>>(route, {
        context: "edit",
        per_page: 1,
        status: "any",
      });
      return seoFieldsFromMetaKeys(Object.keys(data[0]?.meta ?? {}));
    }
  });
}

const termFields = "id,name,slug,parent,count";

export function syncCategories(client: WordPressClient): Promise<WordPressTerm[]> {
  return client.getAll<WordPressTerm>("/wp/v2/categories", { _fields: termFields });
}

export function syncTags(client: WordPressClient): Promise<WordPressTerm[]> {
  return client.getAll<WordPressTerm>("/wp/v2/tags", { _fields: termFields });
}

/** Users who can write posts (the choice of author when publishing). */
export async function syncAuthors(client: WordPressClient): Promise<WordPressAuthor[]> {
  try {
    return await client.getAll<WordPressAuthor>("/wp/v2/users", {
      who: "authors",
      _fields: "id,name,slug",
    });
  } catch (error) {
    // `who` is deprecated; newer sites may refuse it. Listing by capability needs list_users.
    if (wpCodeOf(error) !== "rest_invalid_param") throw error;
    return client.getAll<WordPressAuthor>("/wp/v2/users", {
      capabilities: "edit_posts",
      _fields: "id,name,slug",
    });
  }
}

/** A category or tag: an id the site already has, or a name to find or create. */
export type TermRef = { id: number } | { name: string; slug?: string; parentId?: number };

/** WordPress's sanitize_title for Latin text: accents dropped, lower case, dashes. */
export function slugify(text: string): string {
  return text
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/&[a-z0-9#]+;/g, "")
    .replace(/['’]/g, "")
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
}

/**
 * Term ids for `refs` in taxonomy `restBase` ("categories", "tags"): ids are kept as given (the
 * response check catches stale ones), names are looked up by slug and created when missing.
 * Creating races safely: see `settleOnOldest`.
 */
export async function resolveTerms(
  client: WordPressClient,
  restBase: string,
  refs: TermRef[],
): Promise<number[]> {
  const ids: number[] = [];
  for (const ref of refs) {
    if ("id" in ref) {
      ids.push(ref.id);
      continue;
    }
    const slug = ref.slug ?? slugify(ref.name);
    const route = `/wp/v2/${restBase}`;
    if (slug) {
      const { data } = await client.get<WordPressTerm[]>(route, { slug, _fields: termFields });
      const match = data.find((term) => ref.parentId === undefined || term.parent === ref.parentId);
      if (match) {
        ids.push(match.id);
        continue;
      }
    }
    try {
      const { data } = await client.post<WordPressTerm>(route, {
        name: ref.name,
        slug: slug || undefined,
        parent: ref.parentId,
      });
      ids.push(await settleOnOldest(client, route, ref, data.id));
    } catch (error) {
      const details = error instanceof VisibleError ? error.details : {};
      const wpData = details.wpData as { term_id?: number } | undefined;
      if (wpData?.term_id) {
        // term_exists / duplicate_term_slug: someone else created it; theirs may be a duplicate too.
        ids.push(await settleOnOldest(client, route, ref, undefined, wpData.term_id));
        continue;
      }
      if (error instanceof VisibleError && error.code === "wordpress.forbidden") {
        throw new VisibleError(
          "forbidden",
          "wordpress.cannot_create_term",
          `The WordPress user cannot create the ${restBase === "categories" ? "category" : "term"} "${ref.name}": create it in WordPress or connect a user with the Editor role`,
          { taxonomy: restBase, name: ref.name, slug },
          { cause: error },
        );
      }
      throw error;
    }
  }
  return [...new Set(ids)];
}

/**
 * WordPress checks for a same-named sibling before it inserts a term, not atomically: two
 * publications creating "News" at once both insert, the later one with slug "news-2". So every
 * creator settles on the oldest term (lowest id) with that name under that parent, and deletes
 * its own term if it lost the race: concurrent publications end up sharing one term. If the
 * WordPress user may not delete terms, the empty duplicate stays; the posts still share one.
 */
async function settleOnOldest(
  client: WordPressClient,
  route: string,
  ref: { name: string; parentId?: number },
  createdId?: number,
  reportedId?: number,
): Promise<number> {
  const { data } = await client.get<WordPressTerm[]>(route, {
    search: ref.name,
    orderby: "id",
    order: "asc",
    per_page: 100,
    _fields: termFields,
  });
  // MySQL compares names case-insensitively; REST escapes them.
  const name = ref.name.trim().toLowerCase();
  const parent = ref.parentId ?? 0;
  const oldest = data
    .filter((term) => (term.parent ?? 0) === parent)
    .filter((term) => decodeEntities(term.name).trim().toLowerCase() === name)
    .reduce<number | undefined>(
      (min, term) => (min === undefined || term.id < min ? term.id : min),
      undefined,
    );
  const chosen = oldest ?? createdId ?? reportedId;
  if (chosen === undefined) {
    throw new VisibleError(
      "unavailable",
      "wordpress.term_not_found",
      `WordPress reported the term "${ref.name}" but does not list it`,
      { route, name: ref.name },
    );
  }
  if (createdId !== undefined && createdId !== chosen) {
    await client.delete(`${route}/${createdId}`, { force: true }).catch((error) => {
      logger.warn(
        { err: error, route, termId: createdId, keptId: chosen },
        "could not delete a duplicate term created by a race",
      );
    });
  }
  return chosen;
}

/** The few entities WordPress escapes in term names (`&amp;`, `&#039;`, ...). */
function decodeEntities(text: string): string {
  return text
    .replace(/&#0*39;|&#x0*27;/gi, "'")
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&");
}

/** Which of `ids` do not exist in taxonomy `restBase` (checked before writing a live post). */
export async function missingTerms(
  client: WordPressClient,
  restBase: string,
  ids: number[],
): Promise<number[]> {
  if (ids.length === 0) return [];
  const { data } = await client.get<Array<{ id: number }>>(`/wp/v2/${restBase}`, {
    include: ids,
    per_page: 100,
    _fields: "id",
  });
  const found = new Set(data.map((term) => term.id));
  return ids.filter((id) => !found.has(id));
}
