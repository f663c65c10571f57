import { RoleRule } from "../../identity/policy/role-rule.js"
import { policy } from "../../kernel/policy/policy.js"

/**
 * Who may act on the work breakdown: one policy per action, each role list written once, here.
 * The use cases require these grants, the endpoints declare their access from them (so
 * `GET /api/v1/routes` reads the same rule) and the handlers satisfy them. Reading needs an agent
 * or higher, shaping the breakdown an orchestrator, removing things a user; importing is the one
 * exact rule, since an agent may never rewrite a project wholesale.
 */
export const WorkActions = {
  createProject: policy("Project.create", RoleRule.min("orchestrator")),
  /** One project, its detail or its progress. */
  readProject: policy("Project.read", RoleRule.min("agent")),
  listProjects: policy("Project.list", RoleRule.min("agent")),
  updateProject: policy("Project.update", RoleRule.min("orchestrator")),
  /** DELETE of a project archives it. */
  archiveProject: policy("Project.archive", RoleRule.min("user")),

  createEpic: policy("Epic.create", RoleRule.min("orchestrator")),
  /** One epic with its stories, or its progress. */
  readEpic: policy("Epic.read", RoleRule.min("agent")),
  listEpics: policy("Epic.list", RoleRule.min("agent")),
  updateEpic: policy("Epic.update", RoleRule.min("orchestrator")),
  deleteEpic: policy("Epic.delete", RoleRule.min("user")),

  /** In an epic, or in the project's epic named by number. */
  createStory: policy("Story.create", RoleRule.min("orchestrator")),
  /** One story, its detail or its acceptance criteria. */
  readStory: policy("Story.read", RoleRule.min("agent")),
  /** A project's or an epic's stories. */
  listStories: policy("Story.list", RoleRule.min("agent")),
  updateStory: policy("Story.update", RoleRule.min("orchestrator")),
  deleteStory: policy("Story.delete", RoleRule.min("user")),
  /** A story's verification results: the verifiers' record, so not for agents. */
  readVerifications: policy("Story.readVerifications", RoleRule.min("orchestrator")),
  readArtifacts: policy("Story.readArtifacts", RoleRule.min("agent")),

  /** A story edge or an epic edge. */
  addDependency: policy("Dependency.add", RoleRule.min("orchestrator")),
  removeDependency: policy("Dependency.remove", RoleRule.min("user")),
  /** A project's epic edges, or the story edges touching an epic. */
  listDependencies: policy("Dependency.list", RoleRule.min("agent")),
  readGraph: policy("Graph.read", RoleRule.min("agent")),

  /** The ready queue or the blocked queue. */
  readQueue: policy("Queue.read", RoleRule.min("agent")),

  importWork: policy("Work.import", RoleRule.exact("orchestrator", "user", "superadmin")),
  exportWork: policy("Work.export", RoleRule.min("agent")),
} as const
