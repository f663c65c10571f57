import { Either } from "effect"
import { ValidationFailed } from "../../kernel/domain/errors.js"
import type { Role } from "../../work/domain/status.js"
import type { Story } from "../../work/domain/story.js"
import type { ContractTerms } from "../domain/contract-terms.js"

/**
 * Whether the title and count must be checked. Agents are always checked. An orchestrator
 * contracting on an agent's behalf may send nothing (as the original's orchestrators do) or set
 * `skip_contract_check: true`; if it does send terms without the flag, they are checked.
 */
export const contractCheckApplies = (role: Role, terms: ContractTerms): boolean => {
  if (role !== "orchestrator") return true
  if (terms.skip_contract_check === true) return false
  return terms.story_title !== undefined || terms.ac_count !== undefined
}

const describe = (value: unknown): string => (value === undefined ? "nothing" : JSON.stringify(value))

/**
 * Checks the terms against the story: the title must match exactly, the count numerically. When
 * the title does not match, a wrong count is named beside it, so one answer says all that is wrong.
 */
export const checkContract = (
  story: Story,
  terms: ContractTerms,
  role: Role,
): Either.Either<void, ValidationFailed> => {
  if (!contractCheckApplies(role, terms)) return Either.void
  const expected = story.acceptance_criteria.length
  const countMatches = typeof terms.ac_count === "number" && terms.ac_count === expected
  const countProblem = `must equal the story's number of acceptance criteria (${expected})`
  if (terms.story_title !== story.title) {
    return Either.left(
      new ValidationFailed({
        message: "story_title does not match",
        code: "contract_title_mismatch",
        details: {
          story_title: ["does not match the story's title exactly"],
          ...(countMatches ? {} : { ac_count: [countProblem] }),
        },
      }),
    )
  }
  if (!countMatches) {
    return Either.left(
      new ValidationFailed({
        message: `Contract mismatch: expected ac_count ${expected} but got ${describe(terms.ac_count)}. Story has ${expected} acceptance criteria.`,
        code: "contract_ac_count_mismatch",
        details: { ac_count: [countProblem] },
        context: { expected_ac_count: expected, provided_ac_count: terms.ac_count ?? null },
      }),
    )
  }
  return Either.void
}
