import { HttpApi, OpenApi } from "@effect/platform"
import { AuditGroup } from "./audit/audit.js"
import { Enveloped } from "./contract/errors.js"
import { dropDecodeErrors } from "./contract/openapi.js"
import { IdentityApi } from "./identity/identity.js"
import { SignupGroup } from "./identity/signup.js"
import { SystemGroup } from "./system/system.js"
import { version } from "./version.js"
import { DependenciesGroup } from "./work/dependencies.js"
import { EpicsGroup } from "./work/epics.js"
import { ImportExportGroup } from "./work/import-export.js"
import { ProjectsGroup } from "./work/projects.js"
import { StoriesGroup } from "./work/stories.js"
import { OrchestratorStateGroup } from "./workflow/orchestrator-state.js"
import { StoryWorkflowApi } from "./workflow/story-workflow.js"
import { UiTestRunsGroup } from "./workflow/ui-test-runs.js"

/**
 * The loopctl REST API: every endpoint, its schemas, errors and access rule. The server
 * implements it; the CLI and the MCP server derive their typed client from it.
 *
 * The errors declared here can come from any endpoint, because the server answers them before
 * or around the handler: a malformed body (400), an unknown route (404), a body that is too
 * large (413), a body or query that fails its schema (422), an unexpected failure (500) and an
 * unavailable database (503).
 */
export class LoopctlApi extends HttpApi.make("loopctl")
  .add(SystemGroup)
  .add(SignupGroup)
  .addHttpApi(IdentityApi)
  .add(AuditGroup)
  .add(ProjectsGroup)
  .add(EpicsGroup)
  .add(StoriesGroup)
  .add(DependenciesGroup)
  .add(ImportExportGroup)
  .add(OrchestratorStateGroup)
  .add(UiTestRunsGroup)
  .addHttpApi(StoryWorkflowApi)
  .addError(Enveloped.BadRequest)
  .addError(Enveloped.NotFound)
  .addError(Enveloped.PayloadTooLarge)
  .addError(Enveloped.ValidationFailed)
  .addError(Enveloped.InternalServerError)
  .addError(Enveloped.Unavailable)
  .annotateContext(
    OpenApi.annotations({
      title: "loopctl",
      version,
      description:
        "A state store for AI development loops: projects, epics and stories, with a two-tier trust model " +
        "(implementers write agent_status, independent orchestrators write verified_status).",
      servers: [{ url: "/" }, { url: "http://localhost:4000" }, { url: "https://loopctl.local:8443" }],
      transform: dropDecodeErrors,
    }),
  ) {}
