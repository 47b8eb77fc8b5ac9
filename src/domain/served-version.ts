import type { VersionContent } from './content.ts';
import type { CompiledContent } from './render.ts';

/** A version that may be sent: approved, compiled once, with what the provider knows it by. */
export interface ServedVersion {
  versionId: string;
  templateKey: string;
  market: string;
  language: string;
  version: number;
  provider: string;
  providerAccount: string;
  providerTemplateId: string | null;
  providerTemplateName: string;
  providerLanguageCode: string;
  parameterFormat: 'named' | 'positional';
  /** The category the provider holds it under now (lower case); it may differ from the template's. */
  category: string;
  content: VersionContent;
  compiled: CompiledContent;
  /** Every variable the version's text uses: a render must give each of them. */
  requiredVariables: string[];
}
