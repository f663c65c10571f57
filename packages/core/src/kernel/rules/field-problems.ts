import { Either } from "effect"
import { type FieldErrors, ValidationFailed } from "../domain/errors.js"

/** Collects `details.<field>` messages so a body's problems are reported together in one 422. */
export class FieldProblems {
  readonly fields: Record<string, Array<string>> = {}
  add(field: string, message: string): void {
    const list = this.fields[field]
    if (list === undefined) this.fields[field] = [message]
    else list.push(message)
  }
  any(): boolean {
    return Object.keys(this.fields).length > 0
  }
  /** The value when nothing was added, else the changeset-style 422. */
  result<A>(value: () => A): Either.Either<A, ValidationFailed> {
    const details: FieldErrors = this.fields
    return this.any() ? Either.left(ValidationFailed.ofFields(details)) : Either.right(value())
  }
}
