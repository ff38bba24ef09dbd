import { ApiKey } from "@igny8/core/apikey";
import { Invitation } from "@igny8/core/invitation";
import { Execution } from "@igny8/core/pipelines";
import { Sector } from "@igny8/core/sector";
import { Site } from "@igny8/core/site";
import { createId } from "@igny8/core/util";
import { registerFixture } from "./fixtures";

/** Fixtures for the ids the tenancy routes (and the executions routes) take. */

registerFixture("siteId", async ({ world }) => {
  const site = await Site.create({ name: `Victim site ${world.tag}`, url: `https://victim-${world.tag}.example` });
  return site.siteId;
});

/** A second site of the victim (the one restricted members are confined to). */
registerFixture("otherSiteId", async ({ world }) => {
  const site = await Site.create({ name: `Victim second site ${world.tag}`, url: `https://victim2-${world.tag}.example` });
  return site.siteId;
});

registerFixture("sectorId", async ({ resolve, world }) => {
  const sector = await Sector.create({ siteId: await resolve("siteId"), name: `Victim sector ${world.tag}` });
  return sector.sectorId;
});

/** A member who is not the owner (removing or demoting them would be a visible change). */
registerFixture("userId", async ({ world }) => world.editorUserId!);

registerFixture("invitationId", async ({ world }) => {
  const invitation = await Invitation.create({ email: `victim-invitee-${world.tag}@example.com`, role: "viewer" });
  return invitation.invitationId;
});

registerFixture("keyId", async ({ world }) => {
  const created = await ApiKey.create({ name: `Victim key ${world.tag}`, role: "editor" });
  return created.key.keyId;
});

registerFixture("executionId", async ({ resolve }) => {
  const executionId = createId("execution");
  await Execution.begin({ executionId, pipeline: "site-storage-usage", input: { siteId: await resolve("siteId") } });
  return executionId;
});

registerFixture("accountId", async ({ accountId }) => accountId);
registerFixture("planId", async () => "starter", { global: true });
registerFixture("industryId", async () => "home-services", { global: true });
