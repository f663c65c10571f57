import { Schema } from "effect"

/**
 * Money is always an integer number of millicents (1/1000 of a cent, so one dollar is 100,000).
 * Integers keep sums exact; only the `*_dollars` display strings are ever rounded.
 */
export const Millicents = Schema.Int
export type Millicents = typeof Millicents.Type

/** An amount that may not go below zero (a report's cost, a spend). */
export const NonNegativeMillicents = Millicents.pipe(Schema.nonNegative())

/** A budget amount: strictly positive. */
export const PositiveMillicents = Millicents.pipe(Schema.positive())

const MILLICENTS_PER_CENT = 1000

/**
 * Renders millicents as dollars with exactly two decimals, rounding half away from zero
 * (163500 → "1.64", -163500 → "-1.64"). A missing amount renders as "0.00".
 */
export const dollarsFromMillicents = (millicents: number | null | undefined): string => {
  if (millicents === null || millicents === undefined) return "0.00"
  const magnitude = Math.abs(millicents)
  const cents = Math.floor((magnitude + MILLICENTS_PER_CENT / 2) / MILLICENTS_PER_CENT)
  const text = `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, "0")}`
  return millicents < 0 && cents > 0 ? `-${text}` : text
}
