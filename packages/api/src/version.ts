/** The version of loopctl this contract describes (the `@loopctl/http` package version). */
export const version = "0.1.0"
