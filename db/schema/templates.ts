import { boolean, jsonb, pgTable, text } from 'drizzle-orm/pg-core';
import type { TemplateCategory, TemplateVariable } from '../../src/domain/content.ts';
import { revision, timestamps } from './columns.ts';

export const templates = pgTable('templates', {
  key: text('key').primaryKey(),
  category: text('category').$type<TemplateCategory>().notNull(),
  description: text('description').notNull().default(''),
  variables: jsonb('variables').$type<TemplateVariable[]>().notNull(),
  archived: boolean('archived').notNull().default(false),
  createdBy: text('created_by'),
  revision,
  ...timestamps,
});
