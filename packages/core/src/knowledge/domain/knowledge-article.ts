import { Schema } from "effect"
import { ArticleId, ArticleLinkId, ProjectId, TenantId } from "../../kernel/domain/ids.js"
import { JsonObject } from "../../kernel/domain/json.js"
import { maxCharacters } from "../../kernel/domain/text-fields.js"
import { Timestamp } from "../../kernel/domain/timestamp.js"

/** The five kinds of knowledge the wiki holds; every article has exactly one. */
export const ArticleCategory = Schema.Literal("pattern", "convention", "decision", "finding", "reference")
export type ArticleCategory = typeof ArticleCategory.Type
export const articleCategories: ReadonlyArray<ArticleCategory> = ArticleCategory.literals

/**
 * Where an article stands. Only `published` articles reach the index, search, context and
 * export; `superseded` ones were replaced by a newer article.
 */
export const ArticleStatus = Schema.Literal("draft", "published", "archived", "superseded")
export type ArticleStatus = typeof ArticleStatus.Type

/** Where an article's content came from, when the writer says so. */
export const ArticleSourceType = Schema.Literal(
  "review_finding",
  "manual",
  "agent",
  "session_log",
  "newsletter",
  "skill",
  "web_article",
  "ingestion",
)
export type ArticleSourceType = typeof ArticleSourceType.Type

export const MAX_ARTICLE_TAGS = 20
const tagShape = /^[a-zA-Z0-9_-]+$/

/** One tag: 1..100 letters, digits, `_` or `-`. */
export const ArticleTag = Schema.String.pipe(
  Schema.filter((tag) => {
    if (tag.length > 100) return `tag ${tag} must be at most 100 characters`
    return tagShape.test(tag) || `tag ${tag} contains invalid characters`
  }),
)

/** At most 20 tags. */
export const ArticleTags = Schema.Array(ArticleTag).pipe(
  Schema.filter((tags) => tags.length <= MAX_ARTICLE_TAGS || `must not exceed ${MAX_ARTICLE_TAGS} tags`),
)

/** A string with at least one non-whitespace character. */
const NonBlank = Schema.String.pipe(Schema.filter((text) => text.trim().length > 0 || "can't be blank"))

/**
 * A markdown page of the tenant's knowledge wiki. An article with a project is specific to it;
 * one without is tenant-wide, and tenant-wide queries see both. Titles are unique per tenant
 * among articles that are neither archived nor superseded (a repository concern).
 */
export class Article extends Schema.Class<Article>("Article")({
  id: ArticleId,
  tenant_id: TenantId,
  project_id: Schema.NullOr(ProjectId),
  title: NonBlank.pipe(maxCharacters(500)),
  body: NonBlank.pipe(maxCharacters(100_000)),
  category: ArticleCategory,
  status: ArticleStatus,
  tags: ArticleTags,
  source_type: Schema.NullOr(ArticleSourceType),
  source_id: Schema.NullOr(Schema.UUID),
  metadata: JsonObject,
  inserted_at: Timestamp,
  updated_at: Timestamp,
}) {}

/** How the source article of a link relates to its target. */
export const ArticleRelationship = Schema.Literal(
  "relates_to",
  "derived_from",
  "contradicts",
  "supersedes",
  "potential_conflict",
)
export type ArticleRelationship = typeof ArticleRelationship.Type

/**
 * A directed, typed edge between two articles of one tenant. Links are immutable (delete and
 * recreate instead), never point an article at itself, and are unique per (source, target, type).
 */
export class ArticleLink extends Schema.Class<ArticleLink>("ArticleLink")(
  Schema.Struct({
    id: ArticleLinkId,
    tenant_id: TenantId,
    source_article_id: ArticleId,
    target_article_id: ArticleId,
    relationship_type: ArticleRelationship,
    metadata: JsonObject,
    inserted_at: Timestamp,
  }).pipe(
    Schema.filter(
      (link) => link.source_article_id !== link.target_article_id || "cannot link an article to itself",
    ),
  ),
) {}
