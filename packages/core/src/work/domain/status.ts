import { Schema } from "effect"

/** The implementer's side of a story: the chain an agent walks and reports on. */
export const AgentStatus = Schema.Literal(
  "pending",
  "contracted",
  "assigned",
  "implementing",
  "reported_done",
)
export type AgentStatus = typeof AgentStatus.Type
export const agentStatuses: ReadonlyArray<AgentStatus> = AgentStatus.literals

/** The verifier's side of a story: written only by an orchestrator that did not implement it. */
export const VerifiedStatus = Schema.Literal("unverified", "verified", "rejected")
export type VerifiedStatus = typeof VerifiedStatus.Type
export const verifiedStatuses: ReadonlyArray<VerifiedStatus> = VerifiedStatus.literals

/** API key roles, highest first: superadmin > user > orchestrator > agent. */
export const Role = Schema.Literal("superadmin", "user", "orchestrator", "agent")
export type Role = typeof Role.Type
export const roles: ReadonlyArray<Role> = Role.literals

export const ProjectStatus = Schema.Literal("active", "archived")
export type ProjectStatus = typeof ProjectStatus.Type

/** Outcome recorded by a verify or reject call. */
export const VerificationOutcome = Schema.Literal("pass", "fail", "partial")
export type VerificationOutcome = typeof VerificationOutcome.Type
