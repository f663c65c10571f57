import { Either, Option, ParseResult, Schema } from "effect"
import { type BadRequest, Conflict, ValidationFailed } from "../../kernel/domain/errors.js"
import { type JsonObject, isJsonObject } from "../../kernel/domain/json.js"
import { QueryProblems, choiceParameter } from "../../kernel/domain/query-parameters.js"
import { fieldErrorsOf } from "../../kernel/domain/refusal.js"
import { unstorableMessage } from "../../kernel/domain/storable.js"
import { firstUnstorable } from "../../kernel/rules/storable-text.js"
import { EpicNumber } from "../domain/epic.js"
import {
  ImportedEpicFields,
  ImportedStoryFields,
  maxImportEpics,
  maxImportStories,
} from "../domain/import-document.js"
import { StoryNumber, decodeStoryNumber, sortKeyOf } from "../domain/story-number.js"

/**
 * Import validation: turns the body of `POST /projects/:id/import` into an `ImportPlan`, or
 * into the first problem found. The checks run in the order of the original server (document
 * shape, limits, each epic and its stories, number normalisation, duplicates, conflicts with
 * the project, field rules, dependencies) so a client sees the same first error. Every 422
 * keeps the original's one-line `message` and adds `details` keyed by the offending field path.
 * Nothing here reads the database: whatever the project already holds comes in `options`.
 */

export {
  initialAgentStatuses,
  initialVerifiedStatuses,
  maxImportEpics,
  maxImportStories,
} from "../domain/import-document.js"

// ---------------------------------------------------------------------------------------------
// The plan
// ---------------------------------------------------------------------------------------------

/** A story edge by numbers: `story` waits for `depends_on`. */
export const StoryDependencyRef = Schema.Struct({ story: StoryNumber, depends_on: StoryNumber })
export type StoryDependencyRef = typeof StoryDependencyRef.Type

/** An epic edge by numbers: the stories of `epic` wait for every story of `depends_on`. */
export const EpicDependencyRef = Schema.Struct({ epic: EpicNumber, depends_on: EpicNumber })
export type EpicDependencyRef = typeof EpicDependencyRef.Type

/**
 * The status a freshly imported story starts in instead of pending/unverified (D7): already
 * reported done, and possibly already verified. The service stamps `reported_done_at` (and
 * `verified_at` when verified) with the import time.
 */
export interface InitialStatus {
  readonly agent_status: "reported_done"
  readonly verified_status: "verified" | "unverified"
}

/** The keys a merge import writes onto an epic that already exists: the non-null ones given. */
export interface EpicUpdate {
  readonly title: string
  readonly description?: string
  readonly phase?: string
  readonly position?: number
  readonly metadata?: JsonObject
}

/** The keys a merge import writes onto a story that already exists: the non-null ones given. */
export interface StoryUpdate {
  readonly title: string
  readonly description?: string
  readonly acceptance_criteria?: ReadonlyArray<JsonObject>
  readonly estimated_hours?: number
  readonly metadata?: JsonObject
}

/** An epic of the payload, with every field normalised for creation. */
export interface PlannedEpic {
  readonly number: number
  readonly title: string
  readonly description: string | null
  readonly phase: string | null
  /** The payload's position, else the epic's index in the payload. */
  readonly position: number
  readonly metadata: JsonObject
  /** What a merge writes when this number already exists (never the index as position). */
  readonly update: EpicUpdate
}

/** A story of the payload, with every field normalised for creation. */
export interface PlannedStory {
  readonly epic_number: number
  readonly number: StoryNumber
  readonly sort_key: number
  readonly title: string
  readonly description: string | null
  /** Normalised: `description` renamed to `criterion` (it wins over an existing `criterion`). */
  readonly acceptance_criteria: ReadonlyArray<JsonObject>
  readonly estimated_hours: number | null
  readonly metadata: JsonObject
  /** The D7 override; always null in merge mode, which never sets statuses. */
  readonly initial: InitialStatus | null
  /** What a merge writes when this number already exists. */
  readonly update: StoryUpdate
}

/** A validated import: what to create (or, in merge mode, create or update), in payload order. */
export interface ImportPlan {
  readonly merge: boolean
  readonly epics: ReadonlyArray<PlannedEpic>
  /** Every story of every epic, epic by epic, each in payload order. */
  readonly stories: ReadonlyArray<PlannedStory>
  readonly story_dependencies: ReadonlyArray<StoryDependencyRef>
  readonly epic_dependencies: ReadonlyArray<EpicDependencyRef>
}

/** What the target project already holds, by numbers. */
export interface ExistingBreakdown {
  readonly epicNumbers: ReadonlyArray<number>
  readonly storyNumbers: ReadonlyArray<string>
  readonly storyDependencies?: ReadonlyArray<{ readonly story: string; readonly depends_on: string }>
  readonly epicDependencies?: ReadonlyArray<{ readonly epic: number; readonly depends_on: number }>
}

/** What `validateImport` needs besides the body. */
export interface ImportOptions {
  /** The `merge` query parameter as received. */
  readonly merge?: unknown
  /**
   * The project's current content. In fresh mode its numbers make the 409 conflict check run
   * at its place in the order; in merge mode they are valid dependency targets and its edges
   * join the cycle check. Without it the project is taken as empty.
   */
  readonly existing?: ExistingBreakdown
}

// ---------------------------------------------------------------------------------------------
// Small pure helpers
// ---------------------------------------------------------------------------------------------

type Fields = JsonObject

const isNil = (value: unknown): value is null | undefined => value === null || value === undefined

/** How a rejected value is quoted in a message (strings quoted, like the original's `inspect`). */
const inspect = (value: unknown): string => (value === undefined ? "nil" : JSON.stringify(value))

/** A value as it reads inside a sentence (strings bare). */
const display = (value: unknown): string =>
  typeof value === "string" ? value : typeof value === "number" ? String(value) : inspect(value)

const failure = (path: string, problem: string, message = `${path}: ${problem}`): ValidationFailed =>
  new ValidationFailed({ message, details: { [path]: [problem] } })

const fail = (path: string, problem: string, message?: string) => Either.left(failure(path, problem, message))

/** The largest number a Postgres integer column holds; larger numbers are refused, not truncated. */
const maxInt = 2_147_483_647

/** An integer given as a JSON number or as a string of digits (an optional sign allowed). */
const integerOf = (value: unknown): number | undefined => {
  if (typeof value === "number")
    return Number.isInteger(value) && Math.abs(value) <= maxInt ? value : undefined
  if (typeof value !== "string" || !/^[+-]?\d+$/.test(value)) return undefined
  const parsed = Number(value)
  return Math.abs(parsed) <= maxInt ? parsed : undefined
}

/** An epic number: a positive integer, or a string of digits naming one (`"72"` → 72). */
const epicNumberOf = (value: unknown): number | undefined => {
  const number = integerOf(value)
  return number !== undefined && number > 0 ? number : undefined
}

// ---------------------------------------------------------------------------------------------
// Merge flag, acceptance criteria, initial statuses
// ---------------------------------------------------------------------------------------------

/**
 * Whether an import merges into the project: `?merge=true`, or `merge` in the body as the
 * string `"true"` or (an addition to the original) the JSON boolean `true`.
 */
export const isMergeImport = (body: unknown, mergeParam?: unknown): boolean =>
  mergeParam === "true" || (isJsonObject(body) && (body.merge === "true" || body.merge === true))

const mergeFlags = ["true", "false"] as const

/**
 * A merge flag that says neither yes nor no (`?merge=yes`, `"merge": 1`) is refused — a 400 for
 * the query, a 422 for the body — rather than read as a fresh import (D26).
 */
export const checkMergeFlag = (
  body: unknown,
  mergeParam?: unknown,
): Either.Either<void, BadRequest | ValidationFailed> => {
  const problems = new QueryProblems()
  choiceParameter(mergeParam, "merge", mergeFlags, problems)
  if (problems.any()) return problems.result(() => undefined)
  const flag = isJsonObject(body) ? body.merge : undefined
  const readable =
    flag === undefined || flag === null || typeof flag === "boolean" || flag === "true" || flag === "false"
  return readable ? Either.void : Either.left(ValidationFailed.ofFields({ merge: ["must be true or false"] }))
}

/**
 * One acceptance criterion as import stores it: a `description` key becomes `criterion`,
 * replacing any `criterion` already there; every other key stays.
 */
export const normaliseCriterion = (item: JsonObject): JsonObject => {
  if (!Object.hasOwn(item, "description")) return item
  const { description, ...rest } = item
  return { ...rest, criterion: description }
}

/**
 * The status override a story of a fresh import asks for (D7, open to every role the import
 * endpoint admits): `initial_verified_status` `"verified"` or `"pass"` means reported done and
 * verified; otherwise `initial_agent_status` `"reported_done"` means reported done and
 * unverified. The defaults may be named too (`pending`, `unverified`); any other value is refused
 * where the story is read (D26), not ignored.
 */
export const initialStatusOf = (
  story: Pick<ImportedStoryFields, "initial_agent_status" | "initial_verified_status">,
): InitialStatus | null => {
  const verified = story.initial_verified_status
  if (verified === "verified" || verified === "pass") {
    return { agent_status: "reported_done", verified_status: "verified" }
  }
  if (story.initial_agent_status === "reported_done") {
    return { agent_status: "reported_done", verified_status: "unverified" }
  }
  return null
}

// ---------------------------------------------------------------------------------------------
// Cycles
// ---------------------------------------------------------------------------------------------

/**
 * The first cycle among dependent → prerequisite edges, as the nodes along it with the first
 * node repeated at the end (`["1.1", "1.2", "1.1"]`), or none. Depth-first, iterative (a
 * 5000-story chain must not exhaust the stack); nodes are tried in order of first appearance
 * and successors in edge order, so the answer is deterministic.
 */
export const findImportCycle = <N extends string | number>(
  edges: ReadonlyArray<readonly [N, N]>,
): Option.Option<ReadonlyArray<N>> => {
  const successors = new Map<N, Array<N>>()
  const nodes: Array<N> = []
  const note = (node: N) => {
    if (!successors.has(node)) {
      successors.set(node, [])
      nodes.push(node)
    }
  }
  for (const [from, to] of edges) {
    note(from)
    note(to)
    successors.get(from)?.push(to)
  }
  const done = new Set<N>()
  for (const root of nodes) {
    if (done.has(root)) continue
    // The current path, with how many successors of each node have been tried.
    const path: Array<N> = [root]
    const tried: Array<number> = [0]
    const onPath = new Set<N>([root])
    while (path.length > 0) {
      const depth = path.length - 1
      const node = path[depth]
      const next = tried[depth]
      if (node === undefined || next === undefined) break
      const successor = successors.get(node)?.[next]
      if (successor === undefined) {
        path.pop()
        tried.pop()
        onPath.delete(node)
        done.add(node)
        continue
      }
      tried[depth] = next + 1
      if (onPath.has(successor)) return Option.some([...path.slice(path.indexOf(successor)), successor])
      if (!done.has(successor)) {
        path.push(successor)
        tried.push(0)
        onPath.add(successor)
      }
    }
  }
  return Option.none()
}

// ---------------------------------------------------------------------------------------------
// Fresh-mode conflicts
// ---------------------------------------------------------------------------------------------

/**
 * A fresh import may only add numbers the project does not have yet. Returns the 409 listing
 * every payload epic and story number that already exists, or none.
 */
export const freshImportConflict = (
  payload: {
    readonly epics: ReadonlyArray<{ readonly number: number }>
    readonly stories: ReadonlyArray<{ readonly number: string }>
  },
  existing: Pick<ExistingBreakdown, "epicNumbers" | "storyNumbers">,
): Option.Option<Conflict> => {
  const epicNumbers = new Set(existing.epicNumbers)
  const storyNumbers = new Set(existing.storyNumbers)
  const duplicate_epic_numbers = payload.epics.map((epic) => epic.number).filter((n) => epicNumbers.has(n))
  const duplicate_story_numbers = payload.stories
    .map((story) => story.number)
    .filter((n) => storyNumbers.has(n))
  if (duplicate_epic_numbers.length === 0 && duplicate_story_numbers.length === 0) return Option.none()
  return Option.some(
    new Conflict({
      message: "Import conflicts with existing data. Use merge=true to update.",
      details: { duplicate_epic_numbers, duplicate_story_numbers },
    }),
  )
}

/**
 * The 409 of an import whose new epics or stories collided with ones another request created
 * while it ran (a create outside the import, which does not wait for the project). It names the
 * numbers the import was creating; run again, a merge updates what now exists and a fresh
 * import lists the duplicates.
 */
export const concurrentCreateConflict = (
  noun: "epic" | "story",
  numbers: ReadonlyArray<number | string>,
): Conflict => {
  const list = numbers.join(", ")
  const which = numbers.length === 1 ? `${noun} number ${list}` : `one of the ${noun} numbers ${list}`
  return new Conflict({
    message: `Import conflicts with data created while it ran: ${which} was created by another request. Retry the import.`,
    details: noun === "epic" ? { duplicate_epic_numbers: numbers } : { duplicate_story_numbers: numbers },
  })
}

// ---------------------------------------------------------------------------------------------
// Steps 1–6: document shape, limits, epics and stories, numbers, duplicates
// ---------------------------------------------------------------------------------------------

interface Lists {
  readonly epics: ReadonlyArray<unknown>
  readonly storyDependencies: ReadonlyArray<unknown>
  readonly epicDependencies: ReadonlyArray<unknown>
}

/** A missing list counts as empty; a present one must be an array. */
const readLists = (body: unknown): Either.Either<Lists, ValidationFailed> => {
  if (!isJsonObject(body)) return fail("epics", "must be an array", "epics must be an array")
  const list = (key: string): ReadonlyArray<unknown> | undefined => {
    if (!Object.hasOwn(body, key)) return []
    const value = body[key]
    return Array.isArray(value) ? value : undefined
  }
  const epics = list("epics")
  if (epics === undefined) return fail("epics", "must be an array", "epics must be an array")
  const storyDependencies = list("story_dependencies")
  if (storyDependencies === undefined) {
    return fail("story_dependencies", "must be an array", "story_dependencies must be an array")
  }
  const epicDependencies = list("epic_dependencies")
  if (epicDependencies === undefined) {
    return fail("epic_dependencies", "must be an array", "epic_dependencies must be an array")
  }
  return Either.right({ epics, storyDependencies, epicDependencies })
}

const storiesOf = (epic: unknown): ReadonlyArray<unknown> => {
  if (!isJsonObject(epic)) return []
  const stories = epic.stories
  return Array.isArray(stories) ? stories : []
}

const checkLimits = (epics: ReadonlyArray<unknown>): Either.Either<void, ValidationFailed> => {
  if (epics.length > maxImportEpics) {
    const problem = `exceeds maximum of ${maxImportEpics} epics`
    return fail("epics", problem, `payload ${problem}`)
  }
  const total = epics.reduce<number>((sum, epic) => sum + storiesOf(epic).length, 0)
  if (total > maxImportStories) {
    const problem = `exceeds maximum of ${maxImportStories} total stories`
    return fail("epics", problem, `payload ${problem}`)
  }
  return Either.void
}

const isBlank = (value: unknown): boolean => isNil(value) || value === ""

const criteriaProblem =
  "must be an array of objects with 'id' and 'description' keys, " +
  'e.g. [{"id": "AC-1", "description": "Feature works"}]'

interface ShapedEpic {
  readonly index: number
  readonly fields: Fields
  readonly stories: ReadonlyArray<Fields>
}

/** Steps 3 and 4: each epic, then its stories, before the next epic. */
const checkShapes = (
  epics: ReadonlyArray<unknown>,
): Either.Either<ReadonlyArray<ShapedEpic>, ValidationFailed> => {
  const shaped: Array<ShapedEpic> = []
  for (const [index, epic] of epics.entries()) {
    const path = `epics[${index}]`
    if (!isJsonObject(epic)) return fail(path, "must be an object")
    if (isNil(epic.number)) return fail(`${path}.number`, "is required")
    if (isBlank(epic.title)) return fail(`${path}.title`, "can't be blank")
    const rawStories = Object.hasOwn(epic, "stories") ? epic.stories : []
    if (!Array.isArray(rawStories)) return fail(`${path}.stories`, "must be an array")
    const stories: Array<Fields> = []
    for (const [storyIndex, story] of rawStories.entries()) {
      // Paths are spelled only for a failure: an import may hold 20,000 stories.
      const storyPath = () => `${path}.stories[${storyIndex}]`
      if (!isJsonObject(story)) return fail(storyPath(), "must be an object")
      if (isNil(story.number)) return fail(`${storyPath()}.number`, "is required")
      if (isBlank(story.title)) return fail(`${storyPath()}.title`, "can't be blank")
      const criteria = story.acceptance_criteria
      if (!isNil(criteria) && !(Array.isArray(criteria) && criteria.every(isJsonObject))) {
        const criteriaPath = `${storyPath()}.acceptance_criteria`
        return fail(criteriaPath, criteriaProblem, `${criteriaPath} ${criteriaProblem}`)
      }
      stories.push(story)
    }
    shaped.push({ index, fields: epic, stories })
  }
  return Either.right(shaped)
}

interface NumberedStory {
  readonly index: number
  /** Integers already turned into strings; anything else is judged in step 8. */
  readonly number: unknown
  readonly fields: Fields
}

interface NumberedEpic {
  readonly index: number
  readonly number: number
  readonly fields: Fields
  readonly stories: ReadonlyArray<NumberedStory>
}

/** Step 5: epic numbers become integers, integer story numbers become strings. */
const normaliseNumbers = (
  epics: ReadonlyArray<ShapedEpic>,
): Either.Either<ReadonlyArray<NumberedEpic>, ValidationFailed> => {
  const numbered: Array<NumberedEpic> = []
  for (const epic of epics) {
    const number = epicNumberOf(epic.fields.number)
    if (number === undefined) {
      return fail(
        `epics[${epic.index}].number`,
        `must be a positive integer (got ${inspect(epic.fields.number)})`,
      )
    }
    const stories = epic.stories.map((fields, index) => {
      const raw = fields.number
      return { index, fields, number: typeof raw === "number" && Number.isInteger(raw) ? String(raw) : raw }
    })
    numbered.push({ index: epic.index, number, fields: epic.fields, stories })
  }
  return Either.right(numbered)
}

/** Step 6: no number twice in the payload (epics first, then stories across all epics). */
const checkDuplicates = (epics: ReadonlyArray<NumberedEpic>): Either.Either<void, ValidationFailed> => {
  const epicSeen = new Map<number, number>()
  for (const epic of epics) {
    const first = epicSeen.get(epic.number)
    if (first !== undefined) {
      return fail(
        `epics[${epic.index}].number`,
        `is a duplicate of epics[${first}].number`,
        `Duplicate epic number: ${epic.number}`,
      )
    }
    epicSeen.set(epic.number, epic.index)
  }
  const numberPath = (epic: NumberedEpic, story: NumberedStory) =>
    `epics[${epic.index}].stories[${story.index}].number`
  const storySeen = new Map<unknown, { readonly epic: NumberedEpic; readonly story: NumberedStory }>()
  for (const epic of epics) {
    for (const story of epic.stories) {
      const first = storySeen.get(story.number)
      if (first !== undefined) {
        return fail(
          numberPath(epic, story),
          `is a duplicate of ${numberPath(first.epic, first.story)}`,
          `Duplicate story number: ${display(story.number)}`,
        )
      }
      storySeen.set(story.number, { epic, story })
    }
  }
  return Either.void
}

// ---------------------------------------------------------------------------------------------
// Step 8: field rules (the original's changesets), then dependencies
// ---------------------------------------------------------------------------------------------

/** An integer sent as text (`"3"`) is read as the integer, as the original's casts did. */
const integerText = (value: unknown): unknown =>
  typeof value === "string" && /^[+-]?\d+$/.test(value) ? Number(value) : value

/**
 * Every field problem of one entity in a single 422, fields in alphabetical order, messages
 * joined with "; " like the original's changeset errors.
 */
const fieldFailure = (path: string, error: ParseResult.ParseError): ValidationFailed => {
  const problems = Object.entries(fieldErrorsOf(ParseResult.ArrayFormatter.formatErrorSync(error)))
    .map(([field, messages]) => [`${path}.${field}`, messages] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
  return new ValidationFailed({
    message: problems
      .flatMap(([field, messages]) => messages.map((problem) => `${field}: ${problem}`))
      .join("; "),
    details: Object.fromEntries(problems),
  })
}

const decodeEpicFields = Schema.decodeUnknownEither(ImportedEpicFields)
const decodeStoryFields = Schema.decodeUnknownEither(ImportedStoryFields)

const planEpic = (epic: NumberedEpic): Either.Either<PlannedEpic, ValidationFailed> => {
  const raw = epic.fields
  const fields = Object.hasOwn(raw, "position") ? { ...raw, position: integerText(raw.position) } : raw
  return decodeEpicFields(fields).pipe(
    Either.mapLeft((error) => fieldFailure(`epics[${epic.index}]`, error)),
    Either.map(({ title, description, phase, position, metadata }) => ({
      number: epic.number,
      title,
      description: description ?? null,
      phase: phase ?? null,
      position: position ?? epic.index,
      metadata: metadata ?? {},
      // A merge writes only what the payload gave, never a default.
      update: {
        title,
        ...(description == null ? {} : { description }),
        ...(phase == null ? {} : { phase }),
        ...(position == null ? {} : { position }),
        ...(metadata == null ? {} : { metadata }),
      },
    })),
  )
}

const planStory = (
  epic: NumberedEpic,
  story: NumberedStory,
  merge: boolean,
): Either.Either<PlannedStory, ValidationFailed> => {
  const raw = story.fields
  const acceptance_criteria = criteriaOf(raw.acceptance_criteria)
  return decodeStoryFields({ ...raw, number: story.number }).pipe(
    Either.mapLeft((error) => fieldFailure(`epics[${epic.index}].stories[${story.index}]`, error)),
    Either.map((fields) => {
      const { number, title, description, estimated_hours, metadata } = fields
      return {
        epic_number: epic.number,
        number,
        sort_key: sortKeyOf(number),
        title,
        description: description ?? null,
        acceptance_criteria,
        estimated_hours: estimated_hours ?? null,
        metadata: metadata ?? {},
        initial: merge ? null : initialStatusOf(fields),
        update: {
          title,
          ...(description == null ? {} : { description }),
          ...(isNil(raw.acceptance_criteria) ? {} : { acceptance_criteria }),
          ...(estimated_hours == null ? {} : { estimated_hours }),
          ...(metadata == null ? {} : { metadata }),
        },
      }
    }),
  )
}

const criteriaOf = (value: unknown): ReadonlyArray<JsonObject> =>
  Array.isArray(value) ? value.filter(isJsonObject).map(normaliseCriterion) : []

interface DependencyKind<N extends string | number> {
  /** `story` or `epic`, as the messages name it. */
  readonly noun: string
  readonly list: "story_dependencies" | "epic_dependencies"
  readonly dependentKeys: readonly [string, string]
  readonly prerequisiteKeys: readonly [string, string]
  /** The number a reference names, if it names one of the known items. */
  readonly resolve: (value: unknown) => N | undefined
}

/**
 * Resolves one dependency list against the known numbers, then refuses a cycle (over the
 * `existing` edges plus the payload's), then a pair given twice.
 */
const planDependencies = <N extends string | number>(
  items: ReadonlyArray<unknown>,
  kind: DependencyKind<N>,
  existing: ReadonlyArray<readonly [N, N]>,
): Either.Either<ReadonlyArray<readonly [N, N]>, ValidationFailed> => {
  const edges: Array<readonly [N, N]> = []
  for (const [index, item] of items.entries()) {
    // Spelled only for a failure: an import may hold tens of thousands of edges.
    const path = () => `${kind.list}[${index}]`
    if (!isJsonObject(item)) return fail(path(), "must be an object")
    const end = (keys: readonly [string, string]): Either.Either<N, ValidationFailed> => {
      const [key, alias] = keys
      const chosen = isNil(item[key]) && !isNil(item[alias]) ? alias : key
      const value = item[chosen]
      if (isNil(value)) return fail(`${path()}.${chosen}`, "is required")
      const number = kind.resolve(value)
      if (number !== undefined) return Either.right(number)
      const problem = `${kind.noun} '${display(value)}' not found in import`
      return fail(`${path()}.${chosen}`, problem, `Unresolved dependency reference: ${problem}`)
    }
    const from = end(kind.dependentKeys)
    if (Either.isLeft(from)) return Either.left(from.left)
    const to = end(kind.prerequisiteKeys)
    if (Either.isLeft(to)) return Either.left(to.left)
    edges.push([from.right, to.right])
  }
  const cycle = findImportCycle([...existing, ...edges])
  if (Option.isSome(cycle)) {
    const text = cycle.value.join(" -> ")
    const steps = new Set(cycle.value.slice(1).map((to, i) => `${cycle.value[i]}\u0000${to}`))
    const index = edges.findIndex(([from, to]) => steps.has(`${from}\u0000${to}`))
    const path = index < 0 ? kind.list : `${kind.list}[${index}]`
    return fail(path, `closes the cycle ${text}`, `Cycle detected: ${text}`)
  }
  const seen = new Map<string, number>()
  for (const [index, [from, to]] of edges.entries()) {
    const key = `${from}\u0000${to}`
    const first = seen.get(key)
    if (first !== undefined) {
      return fail(
        `${kind.list}[${index}]`,
        `is a duplicate of ${kind.list}[${first}]`,
        `Duplicate ${kind.noun} dependency: ${from} -> ${to}`,
      )
    }
    seen.set(key, index)
  }
  return Either.right(edges)
}

// ---------------------------------------------------------------------------------------------
// Last: text the database cannot store
// ---------------------------------------------------------------------------------------------

const storedEpicFields = ["title", "description", "phase", "metadata"] as const
const storedStoryFields = ["title", "description", "acceptance_criteria", "metadata"] as const

/**
 * Refuses text the database cannot keep (a NUL, an unpaired surrogate) in any field an import
 * stores, at its path, rather than failing on insert. Keys an import ignores are not looked at.
 */
const checkStorable = (epics: ReadonlyArray<NumberedEpic>): Either.Either<void, ValidationFailed> => {
  for (const epic of epics) {
    for (const field of storedEpicFields) {
      const found = firstUnstorable(epic.fields[field], `epics[${epic.index}].${field}`)
      if (Option.isSome(found)) return fail(found.value, unstorableMessage)
    }
    for (const story of epic.stories) {
      for (const field of storedStoryFields) {
        const found = firstUnstorable(
          story.fields[field],
          `epics[${epic.index}].stories[${story.index}].${field}`,
        )
        if (Option.isSome(found)) return fail(found.value, unstorableMessage)
      }
    }
  }
  return Either.void
}

// ---------------------------------------------------------------------------------------------
// The whole validation
// ---------------------------------------------------------------------------------------------

/**
 * Validates and normalises an import body. Stops at the first problem: a 422
 * `ValidationFailed` (message as the original prints it, `details` keyed by field path), or in
 * fresh mode, when `options.existing` is given, the 409 `Conflict` of `freshImportConflict`.
 */
export const validateImport = (
  body: unknown,
  options: ImportOptions = {},
): Either.Either<ImportPlan, BadRequest | ValidationFailed | Conflict> =>
  Either.gen(function* () {
    yield* checkMergeFlag(body, options.merge)
    const merge = isMergeImport(body, options.merge)
    const existing = options.existing
    const lists = yield* readLists(body)
    yield* checkLimits(lists.epics)
    const shaped = yield* checkShapes(lists.epics)
    const numbered = yield* normaliseNumbers(shaped)
    yield* checkDuplicates(numbered)

    if (!merge && existing !== undefined) {
      const stories = numbered.flatMap((epic) =>
        epic.stories.flatMap((story) => (typeof story.number === "string" ? [{ number: story.number }] : [])),
      )
      const conflict = freshImportConflict({ epics: numbered, stories }, existing)
      if (Option.isSome(conflict)) return yield* Either.left(conflict.value)
    }

    // Plain loops, not a generator step per entity: an import may hold 20,000 stories.
    const epics: Array<PlannedEpic> = []
    for (const epic of numbered) {
      const planned = planEpic(epic)
      if (Either.isLeft(planned)) return yield* Either.left(planned.left)
      epics.push(planned.right)
    }
    const stories: Array<PlannedStory> = []
    for (const epic of numbered) {
      for (const story of epic.stories) {
        const planned = planStory(epic, story, merge)
        if (Either.isLeft(planned)) return yield* Either.left(planned.left)
        stories.push(planned.right)
      }
    }

    const storyNumbers = new Map<string, StoryNumber>(stories.map((story) => [story.number, story.number]))
    const epicNumbers = new Set(epics.map((epic) => epic.number))
    if (merge && existing !== undefined) {
      for (const number of existing.storyNumbers) {
        const valid = decodeStoryNumber(number)
        if (Either.isRight(valid)) storyNumbers.set(valid.right, valid.right)
      }
      for (const number of existing.epicNumbers) epicNumbers.add(number)
    }
    const existingStoryEdges: Array<readonly [StoryNumber, StoryNumber]> = []
    const existingEpicEdges: Array<readonly [number, number]> = []
    if (merge && existing !== undefined) {
      for (const { story, depends_on } of existing.storyDependencies ?? []) {
        const from = storyNumbers.get(story)
        const to = storyNumbers.get(depends_on)
        if (from !== undefined && to !== undefined) existingStoryEdges.push([from, to])
      }
      for (const { epic, depends_on } of existing.epicDependencies ?? [])
        existingEpicEdges.push([epic, depends_on])
    }

    const storyEdges = yield* planDependencies(
      lists.storyDependencies,
      {
        noun: "story",
        list: "story_dependencies",
        dependentKeys: ["story", "story_number"],
        prerequisiteKeys: ["depends_on", "depends_on_story"],
        resolve: (value) =>
          typeof value === "string" || typeof value === "number"
            ? storyNumbers.get(String(value))
            : undefined,
      },
      existingStoryEdges,
    )
    const epicEdges = yield* planDependencies(
      lists.epicDependencies,
      {
        noun: "epic",
        list: "epic_dependencies",
        dependentKeys: ["epic", "epic_number"],
        prerequisiteKeys: ["depends_on", "depends_on_epic"],
        resolve: (value) => {
          const number = epicNumberOf(value)
          return number !== undefined && epicNumbers.has(number) ? number : undefined
        },
      },
      existingEpicEdges,
    )
    yield* checkStorable(numbered)

    return {
      merge,
      epics,
      stories,
      story_dependencies: storyEdges.map(([story, depends_on]) => ({ story, depends_on })),
      epic_dependencies: epicEdges.map(([epic, depends_on]) => ({ epic, depends_on })),
    }
  })
