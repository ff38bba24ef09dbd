/**
 * API failures as sentences a person can act on. The API answers a stable dotted code with a
 * technical message; the dashboard says what happened and what to do, and falls back to the
 * API's own message for a code it does not know yet.
 */

export interface FieldError {
  path: string;
  message: string;
}

export class ApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
    readonly fields: FieldError[] = [],
    readonly requestId?: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = "ApiError";
  }

  /** Builds the error from an error envelope `{ error: { code, message, fields, requestId } }`. */
  static from(status: number, body: unknown): ApiError {
    const error = (body as { error?: Record<string, unknown> } | undefined)?.error;
    if (error && typeof error.code === "string") {
      return new ApiError(
        error.code,
        typeof error.message === "string" ? error.message : error.code,
        status,
        Array.isArray(error.fields) ? (error.fields as FieldError[]) : [],
        typeof error.requestId === "string" ? error.requestId : undefined,
        (error.details as Record<string, unknown> | undefined) ?? {},
      );
    }
    return new ApiError(`http.${status}`, `The server answered ${status}`, status);
  }
}

type Sentence = string | ((error: ApiError) => string);

const limitNames: Record<string, string> = {
  max_sites: "sites",
  max_users: "members",
  max_keywords: "keywords",
  max_clusters: "clusters",
  max_content_ideas: "content ideas",
  daily_content_tasks: "content tasks today",
  daily_ai_requests: "AI requests today",
  monthly_word_count_limit: "words this month",
  daily_image_generation_limit: "images today",
  monthly_image_count: "images this month",
  storage_quota_gb: "storage",
  max_concurrent_tasks: "tasks running at once",
  monthly_credits: "credits this month",
};

function limitSentence(error: ApiError): string {
  const limit = String(error.details.limit ?? "");
  const max = error.details.max;
  const what = limitNames[limit] ?? limit.replaceAll("_", " ");
  const cap = typeof max === "number" ? ` (${max.toLocaleString()})` : "";
  return what
    ? `Your plan's limit on ${what}${cap} is reached. Upgrade the plan or free some up, then try again.`
    : "Your plan's limit is reached. Upgrade the plan or free some up, then try again.";
}

/** Codes the dashboard explains in its own words. */
export const sentences: Record<string, Sentence> = {
  "network.unreachable": "Can't reach the IGNY8 API. Check your connection and try again.",
  internal: "Something went wrong on our side. Try again in a moment.",
  "input.invalid": (e) =>
    e.fields.length > 0
      ? `Please check ${e.fields.map((f) => fieldLabel(f.path)).join(", ")}.`
      : "Some of what you entered is not valid.",
  "request.too_large": "That is too much data for one request.",
  "rate_limit.exceeded": (e) => `Too many requests. Wait ${retryAfter(e)} and try again.`,
  "auth.throttled": (e) => `Too many log-in attempts. Wait ${retryAfter(e)} and try again.`,
  "auth.invalid_credentials": "The e-mail or password is wrong.",
  "auth.email_taken": "An account with this e-mail already exists. Log in instead.",
  "auth.required": "Please log in to continue.",
  "auth.token_expired": "Your session expired. Please log in again.",
  "auth.invalid_token": "Your session is no longer valid. Please log in again.",
  "auth.refresh_invalid": "Your session ended. Please log in again.",
  "auth.refresh_reused": "For your safety this session was ended. Please log in again.",
  "auth.session_revoked": "This sign-in has ended. Please log in again.",
  "auth.not_a_member": "You are no longer a member of this account.",
  "auth.no_account": "You are not a member of any account yet.",
  "auth.user_disabled": "This user is disabled. Contact your account owner.",
  "auth.reset_invalid": "This reset link is not valid or has expired. Ask for a new one.",
  "account.suspended": "This account is suspended. Contact support to reactivate it.",
  "authz.forbidden": "Your role does not allow this. Ask an owner or admin.",
  "plan.limit_reached": limitSentence,
  "site.not_found": "This site does not exist or you have no access to it.",
  "site.create_restricted": "Members restricted to some sites cannot add sites.",
  "sector.too_many": "A site can hold only a limited number of sectors. Remove one first.",
  "sector.not_found": "This sector no longer exists.",
  "member.last_owner": "An account must keep at least one owner. Make someone else owner first.",
  "member.exists": "This person is already a member of the account.",
  "member.owner_unrestricted": "Owners always see every site; they cannot be restricted.",
  "invitation.invalid": "This invitation link is not valid. Ask for a new invitation.",
  "invitation.expired": "This invitation has expired. Ask for a new one.",
  "invitation.profile_required": "Enter your name and a password to create your user.",
  "invitation.not_pending": "Only pending invitations can be revoked.",
  "apikey.role_too_high": "A key cannot have a higher role than yours.",
  "apikey.sites_required":
    "Your access is limited to some sites, so the key must be too: pick its sites.",
  "import.content_type_unsupported":
    "Upload a CSV, TSV or TXT export. Save spreadsheets as CSV first.",
  "import.empty_file": "The file is empty.",
  "import.no_keywords":
    "No row of the file holds a keyword that can be imported. Check the column mapping.",
  "import.not_uploaded": "The file did not reach the server. Upload it again.",
  "import.already_started": "This import has already started.",
  "import.failed": "This import failed. Upload the file again as a new import.",
  "import.file_changed": "The file changed while it was imported. Upload it again.",
  "keyword.not_found": "This keyword no longer exists.",
  "cluster.not_found": "This cluster no longer exists.",
  "idea.cluster_empty": "This cluster has no keywords to write about.",
  "idea.tasked": "This idea is already a writing task.",
  "task.status_invalid": (e) => `${e.message}.`,
  "task.busy": "A content run is working on this task. Wait for it to finish.",
  "task.no_content": "Generate the content first.",
  "content.not_found": "This content no longer exists: it was deleted.",
  "content.version_conflict":
    "Someone changed this content meanwhile. Reload it and apply your edits again.",
  "content.busy": "A content run is writing this content. Wait for it to finish.",
  "connection.exists": "This WordPress site is already connected as this user.",
  "connection.url_private": "The site's address must be reachable on the internet.",
  "connection.url_invalid": "Enter the site's address without a user name or password in it.",
  "connection.too_many": "A site can have only a few connections. Remove one first.",
  "connection.not_found": "This connection no longer exists.",
  "credits.insufficient":
    "There are not enough credits for this run. Top up or wait for next month's grant.",
  "pagination.cursor_invalid": "The list changed. Reload it.",
  "route.not_found": "This feature is not available on this server yet.",
};

const fieldLabels: Record<string, string> = {
  email: "the e-mail",
  password: "the password",
  newPassword: "the new password",
  name: "the name",
  accountName: "the account name",
  url: "the address",
  appPassword: "the application password",
  username: "the user name",
};

function fieldLabel(path: string): string {
  const last = path.split(".").pop() ?? path;
  return fieldLabels[last] ?? last.replace(/([a-z])([A-Z])/g, "$1 $2").toLowerCase();
}

function retryAfter(error: ApiError): string {
  const seconds = Number(error.details.retryAfter);
  if (!Number.isFinite(seconds) || seconds <= 0) return "a moment";
  return seconds < 90 ? `${Math.ceil(seconds)} seconds` : `${Math.ceil(seconds / 60)} minutes`;
}

/** The sentence to show for any error: a known code in our words, else the API's message. */
export function describeError(error: unknown): string {
  if (error instanceof ApiError) {
    const sentence = sentences[error.code];
    if (typeof sentence === "function") return sentence(error);
    if (sentence) return sentence;
    const message = error.message.trim();
    return message.endsWith(".") ? message : `${message}.`;
  }
  if (error instanceof Error && error.message) return error.message;
  return "Something went wrong. Try again.";
}

/**
 * A pipeline item's failure as a sentence. Items keep the error as "Name: code: message"
 * (e.g. "PublishingRejected: content.not_found: No such content in this site"); a known code
 * becomes our sentence, anything else is shown as it came.
 */
export function describeItemError(reason: string | undefined): string {
  if (!reason) return "No reason given.";
  const match = reason.match(/^(?:[A-Za-z]+: )?([a-z_]+(?:\.[a-z_]+)+): (.+)$/s);
  if (!match) return reason;
  return describeError(new ApiError(match[1]!, match[2]!, 0));
}

/** The message for one form field, if the API named it (`body.email` matches `email`). */
export function fieldMessage(error: unknown, field: string): string | undefined {
  if (!(error instanceof ApiError)) return undefined;
  const hit = error.fields.find((f) => f.path === field || f.path.endsWith(`.${field}`));
  return hit?.message;
}
