import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { compileCsdl } from '../../graph-schema/csdl.ts';
import { loadGraphSchema, loadSchemaModel } from '../../graph-schema/load.ts';
import { createSchema, type SchemaModel } from '../../graph-schema/model.ts';

/** A miniature of Microsoft's file: aliases, inheritance, streams, bound operations, annotations. */
const MINI = `<?xml version="1.0" encoding="utf-8"?>
<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx">
  <edmx:DataServices>
    <Schema Namespace="microsoft.graph" Alias="graph" xmlns="http://docs.oasis-open.org/odata/ns/edm">
      <EnumType Name="importance"><Member Name="low" Value="0" /><Member Name="high" Value="2" /></EnumType>
      <ComplexType Name="itemBody"><Property Name="content" Type="Edm.String" /></ComplexType>
      <EntityType Name="entity" Abstract="true"><Key><PropertyRef Name="id" /></Key><Property Name="id" Type="Edm.String" Nullable="false" /></EntityType>
      <EntityType Name="message" BaseType="graph.entity" HasStream="true" OpenType="true">
        <Property Name="body" Type="graph.itemBody" />
        <Property Name="toRecipients" Type="Collection(microsoft.graph.recipient)" />
        <!-- a comment with <Property Name="fake" Type="Edm.String" /> inside -->
        <NavigationProperty Name="attachments" Type="Collection(graph.attachment)" ContainsTarget="true" />
      </EntityType>
      <EntityType Name="user" BaseType="graph.entity">
        <NavigationProperty Name="messages" Type="Collection(graph.message)" ContainsTarget="true" />
      </EntityType>
      <Action Name="sendMail" IsBound="true">
        <Parameter Name="bindingParameter" Type="graph.user" />
        <Parameter Name="Message" Type="graph.message" Nullable="false" />
        <Parameter Name="SaveToSentItems" Type="Edm.Boolean" />
      </Action>
      <Function Name="delta" IsBound="true">
        <Parameter Name="bindingParameter" Type="Collection(graph.message)" />
        <Parameter Name="token" Type="Edm.String">
          <Annotation Term="Org.OData.Core.V1.OptionalParameter" />
        </Parameter>
        <ReturnType Type="Collection(graph.message)" />
      </Function>
      <EntityContainer Name="GraphService">
        <EntitySet Name="users" EntityType="microsoft.graph.user" />
        <Singleton Name="me" Type="microsoft.graph.user" />
      </EntityContainer>
      <Annotations Target="microsoft.graph.user/messages">
        <Annotation Term="Org.OData.Capabilities.V1.DeleteRestrictions">
          <Record><PropertyValue Property="Deletable" Bool="false" /></Record>
        </Annotation>
        <Annotation Term="Org.OData.Capabilities.V1.InsertRestrictions">
          <Record><PropertyValue Property="Insertable" Bool="true" /></Record>
        </Annotation>
      </Annotations>
    </Schema>
    <Schema Namespace="microsoft.graph.security" Alias="self" xmlns="http://docs.oasis-open.org/odata/ns/edm">
      <EntityType Name="alert" BaseType="graph.entity"><Property Name="severity" Type="self.alertSeverity" /></EntityType>
    </Schema>
  </edmx:DataServices>
</edmx:Edmx>`;

void describe('graph schema: CSDL compiler', () => {
  const model = compileCsdl(MINI, 'sha');
  const schema = createSchema(model);

  void it('resolves aliases, collections, inheritance and type flags', () => {
    const msg = model.types['microsoft.graph.message'];
    assert.equal(msg?.baseType, 'microsoft.graph.entity');
    assert.equal(msg?.hasStream, true);
    assert.equal(msg?.openType, true);
    assert.deepEqual(msg?.properties.toRecipients, { type: 'microsoft.graph.recipient', collection: true });
    assert.deepEqual(msg?.navigation.attachments, {
      type: 'microsoft.graph.attachment',
      collection: true,
      containsTarget: true,
    });
    assert.equal(msg?.properties.fake, undefined, 'comments are skipped');
    assert.deepEqual(schema.property('microsoft.graph.message', 'id'), {
      type: 'Edm.String',
      collection: false,
      notNull: true,
    });
    assert.deepEqual(
      schema.ancestry('microsoft.graph.message').map((t) => t.name),
      ['microsoft.graph.message', 'microsoft.graph.entity'],
    );
    assert.deepEqual(schema.derived('microsoft.graph.entity').sort(), [
      'microsoft.graph.message',
      'microsoft.graph.security.alert',
      'microsoft.graph.user',
    ]);
    assert.equal(
      model.types['microsoft.graph.security.alert']?.properties.severity?.type,
      'microsoft.graph.security.alertSeverity',
    );
  });

  void it('reads enums, entity sets, singletons and restrictions', () => {
    assert.deepEqual(model.enums['microsoft.graph.importance'], ['low', 'high']);
    assert.deepEqual(model.entitySets, { users: 'microsoft.graph.user' });
    assert.deepEqual(model.singletons, { me: 'microsoft.graph.user' });
    assert.deepEqual(model.restrictions, { 'microsoft.graph.user/messages': { deletable: false } });
  });

  void it('reads bound operations: binding (incl. collections), parameters, optional ones, return type', () => {
    const [send] = model.operations.sendMail ?? [];
    assert.deepEqual(send, {
      kind: 'action',
      name: 'microsoft.graph.sendMail',
      binding: { type: 'microsoft.graph.user', collection: false },
      parameters: [
        { name: 'Message', type: 'microsoft.graph.message', collection: false, notNull: true },
        { name: 'SaveToSentItems', type: 'Edm.Boolean', collection: false },
      ],
    });
    const [delta] = model.operations.delta ?? [];
    assert.deepEqual(delta?.binding, { type: 'microsoft.graph.message', collection: true });
    assert.equal(delta?.parameters[0]?.optional, true);
    assert.deepEqual(delta?.returns, { type: 'microsoft.graph.message', collection: true });
    assert.equal(schema.boundOperations('delta', { type: 'microsoft.graph.message', collection: true }).length, 1);
    assert.equal(schema.boundOperations('delta', { type: 'microsoft.graph.message', collection: false }).length, 0);
    assert.equal(
      schema.boundOperations('microsoft.graph.sendMail', { type: 'microsoft.graph.user', collection: false }).length,
      1,
    );
  });
});

void describe('graph schema: Microsoft v1.0 file and the cache', () => {
  void it('compiles the vendored CSDL with the types, sets and operations Graph Bridge relies on', () => {
    const schema = loadGraphSchema();
    const m = schema.model;
    assert.ok(Object.keys(m.types).length > 2500, 'thousands of entity and complex types');
    for (const s of ['me', 'planner', 'search', 'teamwork']) assert.ok(m.singletons[s], `singleton ${s}`);
    for (const s of ['users', 'groups', 'sites', 'drives', 'teams', 'chats']) assert.ok(m.entitySets[s], `set ${s}`);
    assert.equal(m.singletons.me, 'microsoft.graph.user');
    assert.equal(schema.type('microsoft.graph.message')?.hasStream, true);
    assert.equal(schema.property('microsoft.graph.message', 'categories')?.collection, true, 'from outlookItem');
    assert.equal(schema.property('microsoft.graph.driveItem', 'content')?.type, 'Edm.Stream');
    assert.deepEqual(
      schema
        .boundOperations('sendMail', { type: 'microsoft.graph.user', collection: false })[0]
        ?.parameters.map((p) => p.name),
      ['Message', 'SaveToSentItems'],
    );
    assert.ok(
      schema.boundOperations('range', { type: 'microsoft.graph.workbookWorksheet', collection: false }).length >= 2,
    );
    assert.deepEqual(m.enums['microsoft.graph.importance'], ['low', 'normal', 'high']);
  });

  void it('caches the compiled model under the file hash and reuses only a cache of that hash', () => {
    const dir = mkdtempSync(join(tmpdir(), 'graph-schema-cache-'));
    try {
      const csdlPath = join(dir, 'mini.xml.gz');
      writeFileSync(csdlPath, gzipSync(MINI));
      const cacheDir = join(dir, 'cache');
      const first = loadSchemaModel({ csdlPath, cacheDir });
      assert.equal(first.from, 'csdl');
      assert.ok(first.cachePath);
      const cached = JSON.parse(readFileSync(first.cachePath, 'utf8')) as SchemaModel;
      assert.equal(cached.sourceSha256, first.model.sourceSha256);
      // Prove the second load reads the cache: plant a marker in it.
      cached.singletons.marker = 'microsoft.graph.user';
      writeFileSync(first.cachePath, JSON.stringify(cached));
      const second = loadSchemaModel({ csdlPath, cacheDir });
      assert.equal(second.from, 'cache');
      assert.equal(second.model.singletons.marker, 'microsoft.graph.user');
      // A cache whose recorded hash is another file's is ignored (and rewritten).
      writeFileSync(first.cachePath, JSON.stringify({ ...cached, sourceSha256: 'other' }));
      assert.equal(loadSchemaModel({ csdlPath, cacheDir }).from, 'csdl');
      // A corrupt cache is ignored too.
      writeFileSync(first.cachePath, '{"truncated');
      assert.equal(loadSchemaModel({ csdlPath, cacheDir }).from, 'csdl');
      assert.equal(loadSchemaModel({ csdlPath, cacheDir }).from, 'cache');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
