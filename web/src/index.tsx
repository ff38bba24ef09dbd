import { Route, Router } from "@solidjs/router";
import { QueryClientProvider } from "@tanstack/solid-query";
import { lazy } from "solid-js";
import { render } from "solid-js/web";
import { Shell } from "./app/shell";
import { queryClient } from "./data/query";
import { Toasts } from "./ui";
import "./ui/styles.css";

/** Every screen is its own chunk: the first load carries the shell and the screen it opens. */
const page = (load: () => Promise<{ default: () => unknown }>) => lazy(load as never);

const LogIn = page(() => import("./pages/auth/log-in"));
const SignUp = page(() => import("./pages/auth/sign-up"));
const AcceptInvitation = page(() => import("./pages/auth/accept-invitation"));
const ResetPassword = page(() => import("./pages/auth/reset-password"));
const Home = page(() => import("./pages/sites/home"));
const Sites = page(() => import("./pages/sites"));
const SiteOverview = page(() => import("./pages/site"));
const Keywords = page(() => import("./pages/keywords"));
const Imports = page(() => import("./pages/imports"));
const ImportWizard = page(() => import("./pages/imports/wizard"));
const Clusters = page(() => import("./pages/clusters"));
const ClusterDetail = page(() => import("./pages/clusters/detail"));
const Ideas = page(() => import("./pages/ideas"));
const Tasks = page(() => import("./pages/tasks"));
const Content = page(() => import("./pages/content"));
const Images = page(() => import("./pages/images"));
const Thinker = page(() => import("./pages/thinker"));
const Connections = page(() => import("./pages/connections"));
const Publishing = page(() => import("./pages/publishing"));
const PublishMany = page(() => import("./pages/publishing/runs"));
const PublishingRun = page(() => import("./pages/publishing/run"));
const Runs = page(() => import("./pages/runs"));
const Run = page(() => import("./pages/runs/detail"));
const Account = page(() => import("./pages/settings/account"));
const Members = page(() => import("./pages/settings/members"));
const ApiKeys = page(() => import("./pages/settings/api-keys"));
const Plan = page(() => import("./pages/settings/plan"));
const NotFound = page(() => import("./pages/not-found"));

render(
  () => (
    <QueryClientProvider client={queryClient}>
      <Router>
        <Route path="/log-in" component={LogIn} />
        <Route path="/sign-up" component={SignUp} />
        <Route path="/invitations/accept" component={AcceptInvitation} />
        <Route path="/reset-password" component={ResetPassword} />
        <Route path="/" component={Shell}>
          <Route path="/" component={Home} />
          <Route path="/sites" component={Sites} />
          <Route path="/sites/:siteId" component={SiteOverview} />
          <Route path="/sites/:siteId/keywords" component={Keywords} />
          <Route path="/sites/:siteId/imports" component={Imports} />
          <Route path="/sites/:siteId/imports/new" component={ImportWizard} />
          <Route path="/sites/:siteId/imports/:importId" component={ImportWizard} />
          <Route path="/sites/:siteId/clusters" component={Clusters} />
          <Route path="/sites/:siteId/clusters/:clusterId" component={ClusterDetail} />
          <Route path="/sites/:siteId/ideas" component={Ideas} />
          <Route path="/sites/:siteId/tasks" component={Tasks} />
          <Route path="/sites/:siteId/tasks/:taskId" component={Content} />
          <Route path="/sites/:siteId/images" component={Images} />
          <Route path="/sites/:siteId/connections" component={Connections} />
          <Route path="/sites/:siteId/publishing" component={Publishing} />
          <Route path="/sites/:siteId/publishing/runs" component={PublishMany} />
          <Route path="/sites/:siteId/publishing/runs/:executionId" component={PublishingRun} />
          <Route path="/runs" component={Runs} />
          <Route path="/runs/:executionId" component={Run} />
          <Route path="/thinker" component={Thinker} />
          <Route path="/settings/account" component={Account} />
          <Route path="/settings/members" component={Members} />
          <Route path="/settings/api-keys" component={ApiKeys} />
          <Route path="/settings/plan" component={Plan} />
          <Route path="*" component={NotFound} />
        </Route>
      </Router>
      <Toasts />
    </QueryClientProvider>
  ),
  document.getElementById("root")!,
);
