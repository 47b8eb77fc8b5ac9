CREATE TABLE "api_keys" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"role" text NOT NULL,
	"markets" jsonb,
	"languages" jsonb,
	"prefix" text NOT NULL,
	"hash" text NOT NULL,
	"created_by" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"revoked_at" timestamp with time zone,
	CONSTRAINT "api_keys_hash_unique" UNIQUE("hash")
);
--> statement-breakpoint
CREATE TABLE "events" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"version_id" uuid NOT NULL,
	"template_key" text NOT NULL,
	"market" text NOT NULL,
	"language" text NOT NULL,
	"version" integer NOT NULL,
	"from_status" text,
	"to_status" text NOT NULL,
	"provider_status" text,
	"effect" text DEFAULT 'applied' NOT NULL,
	"reason" text,
	"reason_text" text,
	"source" text NOT NULL,
	"actor" text,
	"occurred_at" timestamp with time zone NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	"raw" jsonb,
	"dedupe_key" text,
	CONSTRAINT "events_dedupe_key_unique" UNIQUE("dedupe_key")
);
--> statement-breakpoint
CREATE TABLE "idempotency_keys" (
	"principal" text NOT NULL,
	"key" text NOT NULL,
	"request_hash" text NOT NULL,
	"status" integer,
	"body" jsonb,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "idempotency_keys_principal_key_pk" PRIMARY KEY("principal","key")
);
--> statement-breakpoint
CREATE TABLE "markets" (
	"code" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"status" text NOT NULL,
	"languages" jsonb NOT NULL,
	"default_language" text NOT NULL,
	"fallbacks" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"timezone" text NOT NULL,
	"currency" text NOT NULL,
	"provider_kind" text NOT NULL,
	"provider_account" text NOT NULL,
	"revision" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sandbox_templates" (
	"account" text NOT NULL,
	"name" text NOT NULL,
	"language_code" text NOT NULL,
	"id" text NOT NULL,
	"category" text NOT NULL,
	"components" jsonb NOT NULL,
	"status" text NOT NULL,
	"reason" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "sandbox_templates_account_name_language_code_pk" PRIMARY KEY("account","name","language_code"),
	CONSTRAINT "sandbox_templates_id_unique" UNIQUE("id")
);
--> statement-breakpoint
CREATE TABLE "templates" (
	"key" text PRIMARY KEY NOT NULL,
	"category" text NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"variables" jsonb NOT NULL,
	"archived" boolean DEFAULT false NOT NULL,
	"created_by" text,
	"revision" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "versions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"template_key" text NOT NULL,
	"market" text NOT NULL,
	"language" text NOT NULL,
	"version" integer NOT NULL,
	"status" text DEFAULT 'draft' NOT NULL,
	"status_at" timestamp with time zone DEFAULT now() NOT NULL,
	"header" text,
	"body" text NOT NULL,
	"footer" text,
	"buttons" jsonb,
	"content_hash" text NOT NULL,
	"created_by" text,
	"provider" text,
	"provider_account" text,
	"provider_template_name" text,
	"provider_language_code" text,
	"provider_template_id" text,
	"provider_category" text,
	"parameter_format" text,
	"submitted_at" timestamp with time zone,
	"attempts" integer DEFAULT 0 NOT NULL,
	"last_error" text,
	"revision" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "events" ADD CONSTRAINT "events_version_id_versions_id_fk" FOREIGN KEY ("version_id") REFERENCES "public"."versions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "versions" ADD CONSTRAINT "versions_template_key_templates_key_fk" FOREIGN KEY ("template_key") REFERENCES "public"."templates"("key") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "versions" ADD CONSTRAINT "versions_market_markets_code_fk" FOREIGN KEY ("market") REFERENCES "public"."markets"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "events_version_idx" ON "events" USING btree ("version_id","id");--> statement-breakpoint
CREATE INDEX "events_template_idx" ON "events" USING btree ("template_key","id");--> statement-breakpoint
CREATE INDEX "events_to_status_idx" ON "events" USING btree ("to_status","occurred_at");--> statement-breakpoint
CREATE UNIQUE INDEX "versions_variant_version_uq" ON "versions" USING btree ("template_key","market","language","version");--> statement-breakpoint
CREATE UNIQUE INDEX "versions_provider_name_uq" ON "versions" USING btree ("provider","provider_account","provider_template_name","provider_language_code") WHERE "versions"."provider_template_name" is not null;--> statement-breakpoint
CREATE INDEX "versions_status_idx" ON "versions" USING btree ("status");