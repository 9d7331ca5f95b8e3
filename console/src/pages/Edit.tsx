// #/machines/new and #/machines/:name/edit: the designer (src/design), with the API calls its
// Save makes here: CreateStateMachine or UpdateStateMachine, then the tags (TagResource /
// UntagResource), so the designer itself stays free of what the server does with a machine.
import { call } from '../api';
import { Designer, type MachineConfig } from './parts';
import { findMachineArn } from './Machine';
import { href, navigate } from './router';
import { ErrorBox, useLoad } from './util';

/** The definition a new machine starts from. */
export const NEW_DEFINITION = `{
  "Comment": "A new state machine",
  "StartAt": "Hello",
  "States": {
    "Hello": {
      "Type": "Pass",
      "End": true
    }
  }
}`;

/** stepjet ignores roleArn, but the API (as AWS's) requires one. */
const ROLE = 'arn:aws:iam::123456789012:role/stepjet';

export function EditPage({ name }: { name?: string }) {
  const loaded = useLoad(async () => {
    if (!name) return { definition: NEW_DEFINITION, config: { name: '', type: 'EXPRESS' } as MachineConfig, arn: '', tags: [] as any[] };
    const arn = await findMachineArn(name);
    const [m, t] = await Promise.all([call('DescribeStateMachine', { stateMachineArn: arn }), call('ListTagsForResource', { resourceArn: arn })]);
    const config: MachineConfig = {
      name: m.name, type: m.type, loggingConfiguration: m.loggingConfiguration, tracingConfiguration: m.tracingConfiguration,
      tags: t.tags ?? [],
    };
    return { definition: m.definition as string, config, arn, tags: t.tags ?? [] };
  }, [name]);

  const save = async (definition: string, config: MachineConfig) => {
    const common: any = { definition };
    if (config.loggingConfiguration) common.loggingConfiguration = config.loggingConfiguration;
    if (config.tracingConfiguration) common.tracingConfiguration = config.tracingConfiguration;
    if (config.publish) {
      common.publish = true;
      if (config.versionDescription) common.versionDescription = config.versionDescription;
    }
    const tags = (config.tags ?? []).filter((t) => t.key);
    if (!name) {
      await call('CreateStateMachine', { name: config.name, type: config.type, roleArn: ROLE, ...common, ...(tags.length ? { tags } : {}) });
      navigate(href.machine(config.name));
      return;
    }
    const arn = loaded.data!.arn;
    await call('UpdateStateMachine', { stateMachineArn: arn, ...common });
    const old: { key: string }[] = loaded.data!.tags;
    const gone = old.map((t) => t.key).filter((k) => !tags.some((t) => t.key === k));
    if (gone.length) await call('UntagResource', { resourceArn: arn, tagKeys: gone });
    if (tags.length) await call('TagResource', { resourceArn: arn, tags });
    navigate(href.machine(name));
  };

  return (
    <section class="edit">
      <div class="toolbar">
        <h1><a href={href.machines()}>State machines</a> / {name ? <><a href={href.machine(name)}>{name}</a> / edit</> : 'new'}</h1>
      </div>
      <ErrorBox error={loaded.error} />
      {loaded.data && <Designer name={name} machineArn={loaded.data.arn || undefined} definition={loaded.data.definition} config={loaded.data.config} onSave={save} />}
    </section>
  );
}
