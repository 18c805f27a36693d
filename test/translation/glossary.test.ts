import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GlossaryModel } from '../../src/translation/glossary.model.js';
import { useTestDatabase } from '../support/database.js';
import { runAdmin } from './admin-commands.js';
import { conversationWithTranslation } from './conversation-translation.js';
import { useDeeplServer } from './local-deepl.js';

useTestDatabase('glossary');

describe('glossary: admin terms synchronised to DeepL and used for the pair', () => {
  const deepl = useDeeplServer();

  it('when an admin adds "Parley Pro → Parley Pro" for EN→ES, then DeepL holds it and EN→ES requests reference it; a change makes a new glossary and bypasses the old memory', async () => {
    const chat = await conversationWithTranslation(deepl, { customerLanguage: 'ES' });
    const text = `Parley Pro includes priority support ${Date.now()}`;

    const added = await runAdmin(chat.config, ['glossary:add', '--from', 'en', '--to', 'es', 'Parley Pro', 'Parley Pro']);
    const [first] = [...deepl.glossaries.values()];
    expect(first).toMatchObject({ sourceLang: 'EN', targetLang: 'ES', entries: new Map([['Parley Pro', 'Parley Pro']]) });
    expect(added.join('\n')).toContain(`EN>ES: 1 term(s), in DeepL as ${first?.id}`);

    await chat.send(chat.rep, text);
    expect(deepl.translateLog.at(-1)).toMatchObject({ sourceLang: 'EN', targetLang: 'ES', glossaryId: first?.id });
    const before = deepl.translateRequests;
    await chat.translation.service.translate([text], 'ES', 'EN-US', { register: 'default' });
    expect(deepl.translateRequests).toBe(before);

    await runAdmin(chat.config, ['glossary:add', '--from', 'EN', '--to', 'ES', 'priority support', 'soporte prioritario']);
    const second = [...deepl.glossaries.values()].find((glossary) => glossary.id !== first?.id);
    expect(second?.entries.get('priority support')).toBe('soporte prioritario');

    const read = await chat.translation.service.translate([text], 'ES', 'EN-US', { register: 'default' });
    expect(deepl.translateLog.at(-1)).toMatchObject({ glossaryId: second?.id });
    expect(read.translations[0]?.text).toContain('Parley Pro includes soporte prioritario');
  });

  it('when the terms are unchanged, then nothing is sent to DeepL again; a CSV import adds its rows', async () => {
    const chat = await conversationWithTranslation(deepl, { customerLanguage: 'DE' });
    await runAdmin(chat.config, ['glossary:add', '--from', 'EN', '--to', 'DE', 'Parley', 'Parley']);
    const count = deepl.glossaries.size;
    deepl.resetCounts();

    await runAdmin(chat.config, ['glossary:sync']);
    expect(deepl.requests).toBe(0);

    const folder = await mkdtemp(join(tmpdir(), 'glossary-'));
    const file = join(folder, 'terms.csv');
    await writeFile(file, 'source,target\n"Parley, Inc.",Parley GmbH\nhelp desk,Helpdesk\n');
    const imported = await runAdmin(chat.config, ['glossary:import', '--from', 'EN', '--to', 'DE', file]);
    expect(imported.join('\n')).toContain('EN>DE: 3 term(s)');
    expect(deepl.glossaries.size).toBe(count + 1);
    const stored = await GlossaryModel.findById('EN>DE').lean();
    expect(stored?.entries.map((term) => term.source).sort()).toEqual(['Parley', 'Parley, Inc.', 'help desk']);
  });

  it('when a term is removed, then the list shows what is left and an unknown term is refused', async () => {
    const chat = await conversationWithTranslation(deepl, { customerLanguage: 'FR' });
    await runAdmin(chat.config, ['glossary:add', '--from', 'EN', '--to', 'FR', 'Parley Pro', 'Parley Pro']);
    await runAdmin(chat.config, ['glossary:add', '--from', 'EN', '--to', 'FR', 'ticket', 'ticket']);

    const removed = await runAdmin(chat.config, ['glossary:remove', '--from', 'EN', '--to', 'FR', 'ticket']);

    expect(removed.join('\n')).toContain('EN>FR: 1 term(s)');
    await expect(runAdmin(chat.config, ['glossary:remove', '--from', 'EN', '--to', 'FR', 'nothing'])).rejects.toThrow('not in the EN>FR glossary');
  });
});
