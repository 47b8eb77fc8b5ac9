ALTER TABLE "versions" ADD COLUMN "lint" jsonb;--> statement-breakpoint
ALTER TABLE "versions" ADD COLUMN "lint_hash" text;--> statement-breakpoint
ALTER TABLE "versions" ADD COLUMN "lint_rules_version" integer;