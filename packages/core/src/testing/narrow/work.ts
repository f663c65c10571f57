import { EpicDependencies, StoryDependencies } from "../../work/ports/dependencies.js"
import { Epics } from "../../work/ports/epics.js"
import { Projects } from "../../work/ports/projects.js"
import { Stories } from "../../work/ports/stories.js"
import { makeTestLayer } from "./test-layer.js"

/** `StoryDependencies` with every member dying unless the test stubs it. */
export const StoryDependenciesTest = makeTestLayer(StoryDependencies, (unstubbed) => ({
  insert: unstubbed.method("insert"),
  delete: unstubbed.method("delete"),
  findById: unstubbed.method("findById"),
  listByProject: unstubbed.method("listByProject"),
  listByEpic: unstubbed.method("listByEpic"),
}))

/** `EpicDependencies` with every member dying unless the test stubs it. */
export const EpicDependenciesTest = makeTestLayer(EpicDependencies, (unstubbed) => ({
  insert: unstubbed.method("insert"),
  delete: unstubbed.method("delete"),
  findById: unstubbed.method("findById"),
  listByProject: unstubbed.method("listByProject"),
}))

/** `Epics` with every member dying unless the test stubs it. */
export const EpicsTest = makeTestLayer(Epics, (unstubbed) => ({
  insert: unstubbed.method("insert"),
  update: unstubbed.method("update"),
  delete: unstubbed.method("delete"),
  findById: unstubbed.method("findById"),
  findForUpdate: unstubbed.method("findForUpdate"),
  holdWithTally: unstubbed.method("holdWithTally"),
  listByProject: unstubbed.method("listByProject"),
  pageByProject: unstubbed.method("pageByProject"),
  countByProject: unstubbed.method("countByProject"),
}))

/** `Projects` with every member dying unless the test stubs it. */
export const ProjectsTest = makeTestLayer(Projects, (unstubbed) => ({
  insert: unstubbed.method("insert"),
  update: unstubbed.method("update"),
  findById: unstubbed.method("findById"),
  findForGraphChange: unstubbed.method("findForGraphChange"),
  list: unstubbed.method("list"),
  countActive: unstubbed.effect("countActive"),
}))

/** `Stories` with every member dying unless the test stubs it. */
export const StoriesTest = makeTestLayer(Stories, (unstubbed) => ({
  insert: unstubbed.method("insert"),
  update: unstubbed.method("update"),
  delete: unstubbed.method("delete"),
  findById: unstubbed.method("findById"),
  findForUpdate: unstubbed.method("findForUpdate"),
  detailOf: unstubbed.method("detailOf"),
  listByProject: unstubbed.method("listByProject"),
  listByProjectRange: unstubbed.method("listByProjectRange"),
  listByEpic: unstubbed.method("listByEpic"),
  listAllByProject: unstubbed.method("listAllByProject"),
  readyPage: unstubbed.method("readyPage"),
  blockedPage: unstubbed.method("blockedPage"),
  prerequisitesOf: unstubbed.method("prerequisitesOf"),
  tallyByEpic: unstubbed.method("tallyByEpic"),
  countByStatus: unstubbed.method("countByStatus"),
}))
