// Derives a JSON Schema from a TypeScript declaration, by asking the
// TypeScript checker what each property's type is. Made for
// @grafana/schema's generated dashboard types (interfaces, enums, literal
// unions, arrays, Record<…>), so dashboards in the repository are checked
// against the installed Grafana schema version without a hand-copied schema.
//
// Interfaces are closed (additionalProperties: false): a misspelt key in a
// dashboard is an error, as it would silently do nothing in Grafana. Index
// signatures (Record<string, T>) stay open with values of type T.

import ts from "typescript";

export type JsonSchema = Record<string, unknown>;

export interface DerivedSchema {
  schema: JsonSchema;
  /** Names of the interfaces that became definitions, for messages and tests. */
  definitions: string[];
}

export function jsonSchemaFromDeclarations(file: string, rootName: string): DerivedSchema {
  const program = ts.createProgram([file], { strict: true, noEmit: true, skipLibCheck: true, target: ts.ScriptTarget.ES2022 });
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(file);
  if (source === undefined) throw new Error(`cannot read ${file}`);
  const rootDecl = source.statements.find(
    (s): s is ts.InterfaceDeclaration | ts.TypeAliasDeclaration => (ts.isInterfaceDeclaration(s) || ts.isTypeAliasDeclaration(s)) && s.name.text === rootName,
  );
  if (rootDecl === undefined) throw new Error(`${file} declares no ${rootName}`);

  const definitions: Record<string, JsonSchema> = {};
  const inProgress = new Set<string>();

  const ownInterface = (type: ts.Type): string | undefined => {
    const symbol = type.getSymbol();
    if (symbol === undefined || !(symbol.flags & ts.SymbolFlags.Interface)) return undefined;
    return symbol.declarations?.some((d) => d.getSourceFile() === source) ? symbol.getName() : undefined;
  };

  const objectSchema = (type: ts.Type): JsonSchema => {
    const properties: Record<string, JsonSchema> = {};
    const required: string[] = [];
    for (const prop of checker.getPropertiesOfType(type)) {
      properties[prop.getName()] = convert(checker.getTypeOfSymbol(prop));
      if (!(prop.flags & ts.SymbolFlags.Optional)) required.push(prop.getName());
    }
    const index = checker.getIndexInfosOfType(type).find((i) => i.keyType.flags & ts.TypeFlags.String);
    return {
      type: "object",
      properties,
      ...(required.length > 0 ? { required } : {}),
      additionalProperties: index === undefined ? false : convert(index.type),
    };
  };

  const convert = (type: ts.Type): JsonSchema => {
    const f = type.flags;
    if (f & (ts.TypeFlags.Any | ts.TypeFlags.Unknown)) return {};
    if (f & ts.TypeFlags.Null) return { type: "null" };
    if (f & ts.TypeFlags.StringLiteral) return { const: (type as ts.StringLiteralType).value };
    if (f & ts.TypeFlags.NumberLiteral) return { const: (type as ts.NumberLiteralType).value };
    if (f & ts.TypeFlags.BooleanLiteral) return { const: checker.typeToString(type) === "true" };
    if (f & ts.TypeFlags.String) return { type: "string" };
    if (f & ts.TypeFlags.Number) return { type: "number" };
    if (f & ts.TypeFlags.Boolean) return { type: "boolean" };
    if (type.isUnion()) {
      const members = type.types.filter((t) => !(t.flags & ts.TypeFlags.Undefined));
      if (members.length > 0 && members.every((t) => t.flags & ts.TypeFlags.BooleanLiteral)) return { type: "boolean" };
      const schemas = members.map(convert);
      if (schemas.length === 1) return schemas[0]!;
      // A union of literals (an enum, or 'h' | 'v') reads best as one enum.
      if (schemas.every((s) => Object.keys(s).length === 1 && "const" in s)) return { enum: schemas.map((s) => s.const) };
      return { anyOf: schemas };
    }
    if (checker.isArrayType(type)) {
      const [item] = checker.getTypeArguments(type as ts.TypeReference);
      return { type: "array", items: item === undefined ? {} : convert(item) };
    }
    if (f & ts.TypeFlags.Object) {
      const name = ownInterface(type);
      if (name === undefined) return objectSchema(type);
      if (!(name in definitions) && !inProgress.has(name)) {
        inProgress.add(name);
        definitions[name] = objectSchema(type);
        inProgress.delete(name);
      }
      return { $ref: `#/$defs/${name}` };
    }
    throw new Error(`no JSON Schema for TypeScript type ${checker.typeToString(type)}`);
  };

  const root = convert(checker.getTypeAtLocation(rootDecl.name));
  return { schema: { $schema: "https://json-schema.org/draft/2020-12/schema", ...root, $defs: definitions }, definitions: Object.keys(definitions) };
}
