// Parses and validates an AsyncAPI document with @asyncapi/parser and its Avro schema parser, printing every
// diagnostic; exits 1 on any error. Usage: node validate-asyncapi.mjs <asyncapi.yaml> <directory of .avsc files>
//
// The project's .avsc files name shared types (enums, records) that live in files of their own, as avro-maven-plugin
// reads them. The Avro schema parser validates one schema alone, so each payload is validated here against a
// registry holding every named type of the schema directory, then handed to the Avro schema parser with those
// types written inline (avsc's own schema output): the same schema, complete.
import { Parser, fromFile } from '@asyncapi/parser';
import { AvroSchemaParser } from '@asyncapi/avro-schema-parser';
import avro from 'avsc';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

const [document, schemaDir] = process.argv.slice(2);
if (!document || !schemaDir) {
  console.error('usage: node validate-asyncapi.mjs <asyncapi.yaml> <avsc directory>');
  process.exit(2);
}

function avscFiles(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? avscFiles(path) : name.endsWith('.avsc') ? [path] : [];
  });
}

// Every named type, loaded until none is left (a file may use a type another file defines).
const namedTypes = {};
let pending = avscFiles(schemaDir).map((path) => ({ path, schema: JSON.parse(readFileSync(path, 'utf8')) }));
while (pending.length) {
  const failed = [];
  for (const file of pending) {
    try {
      avro.Type.forSchema(file.schema, { registry: namedTypes });
    } catch (error) {
      failed.push({ ...file, error });
    }
  }
  if (failed.length === pending.length) {
    for (const file of failed) console.error(`${file.path}: ${file.error.message}`);
    process.exit(1);
  }
  pending = failed;
}

const avroParser = AvroSchemaParser();
// The full names a schema defines itself (records, enums, fixed, at any depth; namespaces inherited).
function definedNames(schema, namespace = '', names = new Set()) {
  if (Array.isArray(schema)) {
    schema.forEach((branch) => definedNames(branch, namespace, names));
  } else if (schema && typeof schema === 'object') {
    let inner = namespace;
    if (['record', 'error', 'enum', 'fixed'].includes(schema.type) && schema.name) {
      inner = schema.name.includes('.') ? schema.name.slice(0, schema.name.lastIndexOf('.')) : schema.namespace ?? namespace;
      names.add(schema.name.includes('.') || !inner ? schema.name : `${inner}.${schema.name}`);
    }
    for (const field of schema.fields ?? []) definedNames(field.type, inner, names);
    for (const key of ['items', 'values']) if (schema[key]) definedNames(schema[key], inner, names);
    if (schema.type && typeof schema.type === 'object') definedNames(schema.type, inner, names);
  }
  return names;
}

// A schema with the named types it uses from other files written inline.
function complete(data) {
  const registry = { ...namedTypes };
  for (const name of definedNames(data)) delete registry[name];
  return avro.Type.forSchema(data, { registry }).schema({ exportAttrs: true });
}

const withNamedTypes = {
  getMimeTypes: () => avroParser.getMimeTypes(),
  async validate(input) {
    try {
      complete(input.data);
      return [];
    } catch (error) {
      return [{ message: error.message, path: input.path }];
    }
  },
  parse: (input) => avroParser.parse({ ...input, data: complete(input.data) }),
};

const parser = new Parser({ schemaParsers: [withNamedTypes] });
const { document: parsed, diagnostics } = await fromFile(parser, document).parse();
const severities = ['error', 'warning', 'info', 'hint'];
for (const d of diagnostics) {
  console.log(`${severities[d.severity]} ${d.code} at ${d.path.join('.')}: ${d.message}`);
}
const errors = diagnostics.filter((d) => d.severity === 0);
if (!parsed || errors.length) {
  console.error(`${errors.length} error(s): ${document} is not a valid AsyncAPI document`);
  process.exit(1);
}
const channels = parsed.channels().all().map((c) => ({
  address: c.address(),
  tags: c.tags().all().map((t) => t.name()),
  messages: c.messages().all().map((m) => ({
    name: m.name(),
    payloadType: m.payload()?.type(),
    properties: Object.keys(m.payload()?.properties() ?? {}),
  })),
  send: c.operations().filterBySend().map((o) => o.id()),
  receive: c.operations().filterByReceive().map((o) => o.id()),
}));
// What was parsed, for the Java side to compare with the catalogue.
console.log('PARSED ' + JSON.stringify({ version: parsed.version(), channels }));
