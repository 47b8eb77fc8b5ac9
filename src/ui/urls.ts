/** Console paths; template keys, market codes and language tags are URL-safe by their schemas. */
export const variantPath = (key: string, market: string, language: string) =>
  `/ui/templates/${key}/variants/${market}/${language}`;

export const versionPath = (key: string, market: string, language: string, version: number) =>
  `${variantPath(key, market, language)}/versions/${version}`;
