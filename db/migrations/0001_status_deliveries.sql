CREATE TABLE "status_deliveries" (
	"dedupe_key" text PRIMARY KEY NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL
);
