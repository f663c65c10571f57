import { describe, layer } from "@effect/vitest"
import { Effect, Layer } from "effect"
import { backends, call, staffedTenant } from "./identity-support.js"
import { newEpic, newProject, newStory } from "./story-support.js"
import { collectLogs, realServer } from "./support.js"

const show = (label: string, a: { status: number; text: string }) =>
  Effect.sync(() => console.log(`${label} → ${a.status} ${a.text.slice(0, 400)}`))

for (const { name, database } of backends) {
  const server = realServer(database).pipe(Layer.provide(collectLogs([])))
  layer(server, { timeout: 120_000, excludeTestServices: true })(`probe ${name}`, (it) => {
    describe("probe", () => {
      it.effect("edge cases", () =>
        Effect.gen(function* () {
          const t = yield* staffedTenant("probe")
          const k = t.orchestratorKey
          const u = t.userKey
          const p = yield* newProject(t)
          const e = yield* newEpic(t, p, 1)
          const e2 = yield* newEpic(t, p, 2)
          const s = yield* newStory(t, e, "1.1")
          const s2 = yield* newStory(t, e2, "2.1")
          const post = (path: string, body: unknown, key = k) => call("POST", path, { key, body })
          const patch = (path: string, body: unknown, key = k) => call("PATCH", path, { key, body })
          const get = (path: string, key = k) => call("GET", path, { key })
          yield* show("PH epics phase NUL", yield* get(`/api/v1/projects/${p}/epics?phase=%00`))
          yield* show("PH2 stories agent_status NUL", yield* get(`/api/v1/stories?project_id=${p}&agent_status=%00`))
          yield* show("PH3 projects status NUL", yield* get(`/api/v1/projects?status=%00&include_archived=%00`, u))
          yield* show("PH4 audit NUL", yield* get(`/api/v1/audit?entity_type=%00`, u))
          yield* show("A project NUL name", yield* post("/api/v1/projects", { name: "a\u0000b", slug: "nul-a" }, u))
          yield* show("A2 project surrogate desc", yield* post("/api/v1/projects", { name: "ok", slug: "sur-a", description: "x\ud800" }, u))
          yield* show("A3 project NUL metadata", yield* post("/api/v1/projects", { name: "ok", slug: "nul-m", metadata: { "a\u0000": 1 } }, u))
          yield* show("A4 project patch NUL", yield* patch(`/api/v1/projects/${p}`, { tech_stack: "\u0000" }))
          yield* show("B epic NUL title", yield* post(`/api/v1/projects/${p}/epics`, { number: 5, title: "x\u0000" }))
          yield* show("B2 epic patch NUL phase", yield* patch(`/api/v1/epics/${e}`, { phase: "\u0000" }))
          yield* show("C story NUL title", yield* post(`/api/v1/epics/${e}/stories`, { number: "1.5", title: "x\u0000" }))
          yield* show("C2 story NUL AC", yield* post(`/api/v1/epics/${e}/stories`, { number: "1.6", title: "x", acceptance_criteria: [{ criterion: "\u0000" }] }))
          yield* show("C3 story patch NUL metadata", yield* patch(`/api/v1/stories/${s}`, { metadata: { v: "\u0000" } }))
          yield* show("D epic big number", yield* post(`/api/v1/projects/${p}/epics`, { number: 1e12, title: "big" }))
          yield* show("D2 epic big position", yield* post(`/api/v1/projects/${p}/epics`, { number: 7, title: "big", position: 3e9 }))
          yield* show("D3 epic patch big position", yield* patch(`/api/v1/epics/${e}`, { position: 3e9 }))
          yield* show("D4 epic number string", yield* post(`/api/v1/projects/${p}/epics`, { number: "8", title: "s" }))
          yield* show("D5 epic position string", yield* post(`/api/v1/projects/${p}/epics`, { number: 9, title: "s", position: "2" }))
          yield* show("D6 epic number 1.5", yield* post(`/api/v1/projects/${p}/epics`, { number: 1.5, title: "s" }))
          yield* show("F hours huge", yield* post(`/api/v1/epics/${e}/stories`, { number: "1.7", title: "h", estimated_hours: 1e300 }))
          yield* show("F2 hours many decimals", yield* post(`/api/v1/epics/${e}/stories`, { number: "1.8", title: "h", estimated_hours: 1.123456789 }))
          yield* show("F3 hours negative", yield* post(`/api/v1/epics/${e}/stories`, { number: "1.9", title: "h", estimated_hours: -2 }))
          yield* show("G story number as number", yield* post(`/api/v1/epics/${e}/stories`, { number: 3, title: "n" }))
          yield* show("G2 story number 0", yield* post(`/api/v1/epics/${e}/stories`, { number: "0", title: "n" }))
          yield* show("H blocked epic_id bad", yield* get(`/api/v1/stories/blocked?epic_id=bad`))
          yield* show("I project create status archived", yield* post("/api/v1/projects", { name: "st", slug: "st-arch", status: "archived" }, u))
          yield* show("J stories limit abc", yield* get(`/api/v1/stories?project_id=${p}&limit=abc&page_size=3`))
          yield* show("K story patch hours null", yield* patch(`/api/v1/stories/${s}`, { estimated_hours: null }))
          yield* show("N dep story_id number", yield* post("/api/v1/story_dependencies", { story_id: 5, depends_on_story_id: s }))
          yield* show("N2 dep cross-epic", yield* post("/api/v1/story_dependencies", { story_id: s2, depends_on_story_id: s }))
          yield* show("P project desc 50001", yield* post("/api/v1/projects", { name: "d", slug: "desc-big", description: "x".repeat(50001) }, u))
          yield* show("T projects array body", yield* post("/api/v1/projects", [], u))
          yield* show("T2 projects string body", yield* post("/api/v1/projects", "x", u))
          yield* show("T3 epics null body", yield* post(`/api/v1/projects/${p}/epics`, null))
          yield* show("Z projects page 0", yield* get(`/api/v1/projects?page=0&page_size=0`, u))
          yield* show("Z2 epics page_size 1000", yield* get(`/api/v1/projects/${p}/epics?page_size=1000&limit=2`))
          yield* show("Z3 epic stories limit & page_size", yield* get(`/api/v1/epics/${e}/stories?page_size=1&limit=5`))
          yield* show("Y story ac unknown", yield* get(`/api/v1/stories/${s}/acceptance_criteria`))
          yield* show("X epic show", yield* get(`/api/v1/epics/${e}`))
          yield* show("W project list status archived + include", yield* get(`/api/v1/projects?status=archived&include_archived=true`, u))
          yield* show("V story title 501", yield* post(`/api/v1/epics/${e}/stories`, { number: "1.20", title: "t".repeat(501) }))
          yield* show("V2 epic title 501", yield* post(`/api/v1/projects/${p}/epics`, { number: 20, title: "t".repeat(501) }))
          yield* show("V3 project name 256", yield* post("/api/v1/projects", { name: "n".repeat(256), slug: "long-n" }, u))
          yield* show("U createInProject epic_number 'abc'", yield* post(`/api/v1/projects/${p}/stories`, { epic_number: "abc", number: "1.30", title: "x" }))
          yield* show("U2 createInProject epic_number 1.0", yield* post(`/api/v1/projects/${p}/stories`, { epic_number: 1.0, number: "1.31", title: "x" }))
          yield* show("U3 createInProject missing epic_number + bad body", yield* post(`/api/v1/projects/${p}/stories`, { number: "zz" }))
          yield* show("S story show", yield* get(`/api/v1/stories/${s}`))
          yield* show("R ready?epic_id=unknown", yield* get(`/api/v1/stories/ready?epic_id=00000000-0000-4000-8000-000000000001`))
          yield* show("Q blocked ?page_size=1000", yield* get(`/api/v1/stories/blocked?page_size=1000`))
          yield* show("O graph", yield* get(`/api/v1/projects/${p}/dependency_graph`))
          yield* show("M epic deps", yield* get(`/api/v1/projects/${p}/epic_dependencies`))
          yield* show("L epic story deps", yield* get(`/api/v1/epics/${e}/story_dependencies`))
          yield* show("L2 DELETE dep malformed", yield* call("DELETE", "/api/v1/epic_dependencies/zzz", { key: u }))
          yield* show("L3 story dep 'X'.repeat", yield* post("/api/v1/epic_dependencies", { epic_id: e, depends_on_epic_id: e2.toUpperCase() }))
          yield* show("L4 epic dep dup upper", yield* post("/api/v1/epic_dependencies", { epic_id: e.toUpperCase(), depends_on_epic_id: e2 }))
          yield* show("L5 epic dep self with case", yield* post("/api/v1/epic_dependencies", { epic_id: e.toUpperCase(), depends_on_epic_id: e }))
        }),
      )
    })
  })
}
