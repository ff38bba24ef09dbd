import type { components } from "./api.gen";

/** Wire types of the API, named as the OpenAPI document names them. */
type S = components["schemas"];

export type Tokens = S["Tokens"];
export type Me = S["Me"];
export type Membership = S["MyMembership"];
export type Role = S["Role"];
export type Account = S["Account"];
export type Usage = S["Usage"];
export type UsageLimit = Usage["limits"][number];
export type Member = S["Member"];
export type Invitation = S["Invitation"];
export type Site = S["Site"];
export type Sector = S["Sector"];
export type Keyword = S["Keyword"];
export type Intent = NonNullable<Keyword["intent"]>;
export type KeywordBulk = S["KeywordBulk"];
export type KeywordBulkResult = S["KeywordBulkResult"];
export type KeywordImport = S["KeywordImport"];
export type KeywordImportDetection = NonNullable<S["KeywordImportDetection"]>;
export type KeywordImportMapping = S["KeywordImportMapping"];
export type Cluster = S["Cluster"];
export type ClusterDetail = S["ClusterDetail"];
export type PageGroup = S["PageGroup"];
export type ClusteringOptions = S["ClusteringOptions"];
export type Idea = S["Idea"];
export type Connection = S["Connection"];
export type ConnectionReport = NonNullable<S["ConnectionReport"]>;
export type PublishingRecord = S["PublishingRecord"];
export type Published = S["Published"];
export type Execution = S["Execution"];
export type ExecutionItem = S["ExecutionItem"];
export type ExecutionSummary = S["ExecutionSummary"];
export type ApiKey = S["ApiKey"];
export type ApiKeyCreated = S["ApiKeyCreated"];
export type Plan = S["Plan"];
export type PlanLimits = S["PlanLimits"];
export type IndustryPreset = S["IndustryPreset"];
export type Pipeline = ExecutionListQuery["pipeline"];

import type { paths } from "./api.gen";
type ExecutionListQuery = paths["/v1/executions"]["get"]["parameters"]["query"];
