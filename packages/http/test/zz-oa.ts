import { OpenApi } from "@effect/platform"
import { LoopctlApi } from "@loopctl/http/api"
const spec = OpenApi.fromApi(LoopctlApi)
console.log(JSON.stringify(spec.paths["/api/v1/api_keys"], null, 1).slice(0, 3000))
console.log(JSON.stringify(spec.components.schemas["ApiKeyCreation"], null, 1))
console.log(JSON.stringify(spec.paths["/api/v1/agents/{id}"]?.get?.parameters))
console.log(Object.keys(spec.components.schemas).join(" "))
console.log(spec.tags?.map(t=>t.name))
