CREATE TABLE "message_prices" (
	"market" text NOT NULL,
	"category" text NOT NULL,
	"currency" text NOT NULL,
	"price_per_message" numeric NOT NULL,
	"valid_from" date NOT NULL,
	"source" text NOT NULL,
	"revision" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "message_prices_market_category_pk" PRIMARY KEY("market","category")
);
