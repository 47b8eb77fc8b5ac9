ALTER TABLE "versions" ADD COLUMN "pending_category" text;--> statement-breakpoint
ALTER TABLE "versions" ADD COLUMN "pending_category_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "versions" ADD COLUMN "quality_score" text;--> statement-breakpoint
ALTER TABLE "versions" ADD COLUMN "parameter_mapping" jsonb;--> statement-breakpoint
ALTER TABLE "versions" ADD COLUMN "status_checked_at" timestamp with time zone;