/**
 * What an operation selects below a field, read from the parsed query: lets a page resolver load
 * for the whole page at once what its items' fields would otherwise each wait for.
 */
import { Kind, type FieldNode, type FragmentDefinitionNode, type GraphQLResolveInfo, type SelectionSetNode } from 'graphql';

/** The fields of a selection set, through inline fragments and fragment spreads. */
function fieldsOf(set: SelectionSetNode | undefined, fragments: Record<string, FragmentDefinitionNode>, out: FieldNode[] = []): FieldNode[] {
  for (const selection of set?.selections ?? []) {
    if (selection.kind === Kind.FIELD) out.push(selection);
    else if (selection.kind === Kind.INLINE_FRAGMENT) fieldsOf(selection.selectionSet, fragments, out);
    else fieldsOf(fragments[selection.name.value]?.selectionSet, fragments, out);
  }
  return out;
}

/**
 * Whether any of `names` is selected at `path` below the resolving field (e.g. path
 * ['edges', 'node'] of a connection). Directives are not evaluated: a field under @skip counts
 * as selected, which costs a load and changes no answer.
 */
export function selects(info: Pick<GraphQLResolveInfo, 'fieldNodes' | 'fragments'>, path: readonly string[], names: ReadonlySet<string>): boolean {
  let level: FieldNode[] = [...info.fieldNodes];
  for (const step of path) {
    level = level.flatMap((field) => fieldsOf(field.selectionSet, info.fragments)).filter((field) => field.name.value === step);
    if (level.length === 0) return false;
  }
  return level.some((field) => fieldsOf(field.selectionSet, info.fragments).some((f) => names.has(f.name.value)));
}
