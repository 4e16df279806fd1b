import { useState, type FormEvent } from 'react';
import { ConfirmDialog, Dialog } from '../../ui/dialog';
import { SelectField, TextField } from '../../ui/field';
import { fieldError, ProblemAlert } from '../../ui/problem-alert';
import { LoadError, Loading } from '../../ui/status';
import { useAsync } from '../../ui/use-async';
import { useIdempotencyKey } from '../../ui/use-idempotency-key';
import { useAdmin } from '../admin-context';
import { PageHeader } from '../admin-layout';
import { catalogApi, type Category } from './catalog-api';
import { categoryOptions, categoryTree, flatten, type CategoryNode } from './category-tree';

type Open = { kind: 'rename' | 'move' | 'delete' | 'add'; category: Category } | null;

export function CategoriesPage() {
  const { can } = useAdmin();
  const manage = can('catalog.manage');
  const list = useAsync(() => catalogApi.listCategories().then((r) => r.data), []);
  const [open, setOpen] = useState<Open>(null);
  const [message, setMessage] = useState<string | null>(null);

  const upsert = (c: Category, text: string) => {
    list.setData((cs) => (cs.some((x) => x.id === c.id) ? cs.map((x) => (x.id === c.id ? c : x)) : [...cs, c]));
    setOpen(null);
    setMessage(text);
  };

  const cats = list.data ?? [];
  return (
    <>
      <PageHeader title="Categories" />
      {message && (
        <p className="alert alert--success" role="status">
          {message}
        </p>
      )}
      {manage && list.status === 'ready' && <NewCategoryForm categories={cats} onCreated={(c) => upsert(c, `Category “${c.name}” created.`)} />}
      {list.status === 'loading' && <Loading label="Loading categories…" />}
      {list.status === 'error' && <LoadError error={list.error} onRetry={list.reload} />}
      {list.status === 'ready' &&
        (cats.length === 0 ? (
          <p className="empty">No categories yet. Categories group products for filtering, counts and reports.</p>
        ) : (
          <section className="panel" aria-labelledby="tree-heading">
            <h2 id="tree-heading">Category tree</h2>
            <CategoryList nodes={categoryTree(cats)} manage={manage} onAction={(kind, category) => setOpen({ kind, category })} root />
          </section>
        ))}
      {open?.kind === 'rename' && <RenameDialog category={open.category} onClose={() => setOpen(null)} onSaved={(c) => upsert(c, `Renamed to “${c.name}”.`)} />}
      {open?.kind === 'move' && <MoveDialog category={open.category} categories={cats} onClose={() => setOpen(null)} onSaved={(c) => upsert(c, `“${c.name}” moved.`)} />}
      {open?.kind === 'add' && (
        <Dialog title={`New category under “${open.category.name}”`} onClose={() => setOpen(null)}>
          <NewCategoryForm categories={cats} parentId={open.category.id} onCreated={(c) => upsert(c, `Category “${c.name}” created.`)} onCancel={() => setOpen(null)} />
        </Dialog>
      )}
      {open?.kind === 'delete' && (
        <DeleteDialog
          category={open.category}
          onClose={() => setOpen(null)}
          onDeleted={() => {
            list.setData((cs) => cs.filter((c) => c.id !== open.category.id));
            setMessage(`Category “${open.category.name}” deleted.`);
            setOpen(null);
          }}
        />
      )}
    </>
  );
}

function CategoryList({ nodes, manage, onAction, root }: { nodes: CategoryNode[]; manage: boolean; onAction: (kind: 'rename' | 'move' | 'delete' | 'add', c: Category) => void; root?: boolean }) {
  return (
    <ul className={root ? 'category-tree' : 'category-tree__children'}>
      {nodes.map((n) => (
        <li key={n.category.id}>
          <div className="category-tree__row">
            <span className="category-tree__name">{n.category.name}</span>
            {n.children.length > 0 && <span className="muted category-tree__count">{n.children.length} sub</span>}
            {manage && (
              <span className="action-group">
                <button type="button" className="button button--secondary button--small" onClick={() => onAction('add', n.category)} aria-label={`Add a category under ${n.path}`}>
                  Add sub
                </button>
                <button type="button" className="button button--secondary button--small" onClick={() => onAction('rename', n.category)} aria-label={`Rename ${n.path}`}>
                  Rename
                </button>
                <button type="button" className="button button--secondary button--small" onClick={() => onAction('move', n.category)} aria-label={`Move ${n.path}`}>
                  Move
                </button>
                <button type="button" className="button button--danger-outline button--small" onClick={() => onAction('delete', n.category)} aria-label={`Delete ${n.path}`}>
                  Delete
                </button>
              </span>
            )}
          </div>
          {n.children.length > 0 && <CategoryList nodes={n.children} manage={manage} onAction={onAction} />}
        </li>
      ))}
    </ul>
  );
}

function NewCategoryForm({ categories, parentId, onCreated, onCancel }: { categories: Category[]; parentId?: string; onCreated: (c: Category) => void; onCancel?: () => void }) {
  const idem = useIdempotencyKey();
  const [name, setName] = useState('');
  const [parent, setParent] = useState(parentId ?? '');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  async function submit(e: FormEvent) {
    e.preventDefault();
    const body = { name: name.trim(), parent_id: parent || null };
    setBusy(true);
    setError(null);
    try {
      const c = await catalogApi.createCategory(body, idem.keyFor(body));
      idem.done();
      setName('');
      onCreated(c);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className={onCancel ? 'form' : 'inline-form inline-form--wide'} onSubmit={submit}>
      <ProblemAlert error={error} shownFields={['name', 'parent_id']} />
      <div className={onCancel ? 'form' : 'inline-form__row'}>
        <TextField label="New category name" value={name} onChange={setName} required maxLength={120} error={fieldError(error, 'name')} autoFocus={!!onCancel} />
        {!parentId && (
          <SelectField label="Inside" value={parent} onChange={setParent} options={[{ value: '', label: 'Top level' }, ...categoryOptions(categories)]} error={fieldError(error, 'parent_id')} />
        )}
        {onCancel ? (
          <div className="dialog__actions">
            <button type="button" className="button button--secondary" onClick={onCancel} disabled={busy}>
              Cancel
            </button>
            <button type="submit" className="button" disabled={busy}>
              {busy ? 'Adding…' : 'Add category'}
            </button>
          </div>
        ) : (
          <button type="submit" className="button" disabled={busy}>
            {busy ? 'Adding…' : 'Add category'}
          </button>
        )}
      </div>
    </form>
  );
}

function RenameDialog({ category, onClose, onSaved }: { category: Category; onClose: () => void; onSaved: (c: Category) => void }) {
  const [name, setName] = useState(category.name);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  async function submit(e: FormEvent) {
    e.preventDefault();
    if (name.trim() === category.name) return onClose();
    setBusy(true);
    try {
      onSaved(await catalogApi.updateCategory(category.id, { name: name.trim() }));
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  }
  return (
    <Dialog title={`Rename “${category.name}”`} onClose={onClose}>
      <form className="form" onSubmit={submit}>
        <ProblemAlert error={error} shownFields={['name']} />
        <TextField label="Name" value={name} onChange={setName} required maxLength={120} error={fieldError(error, 'name')} autoFocus />
        <div className="dialog__actions">
          <button type="button" className="button button--secondary" onClick={onClose} disabled={busy}>
            Cancel
          </button>
          <button type="submit" className="button" disabled={busy}>
            {busy ? 'Saving…' : 'Rename'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

function MoveDialog({ category, categories, onClose, onSaved }: { category: Category; categories: Category[]; onClose: () => void; onSaved: (c: Category) => void }) {
  const [parent, setParent] = useState(category.parent_id ?? '');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  // A category cannot go under itself or its own subcategories (the server refuses it too).
  const self = flatten(categoryTree(categories)).find((n) => n.category.id === category.id);
  const under = new Set(self ? flatten(self.children).map((n) => n.category.id) : []);
  const options = categoryOptions(categories, category.id).filter((o) => !under.has(o.value));

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (parent === (category.parent_id ?? '')) return onClose();
    setBusy(true);
    try {
      onSaved(await catalogApi.updateCategory(category.id, { parent_id: parent || null }));
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  }
  return (
    <Dialog title={`Move “${category.name}”`} onClose={onClose}>
      <form className="form" onSubmit={submit}>
        <ProblemAlert error={error} shownFields={['parent_id']} />
        <SelectField label="New place" value={parent} onChange={setParent} options={[{ value: '', label: 'Top level' }, ...options]} error={fieldError(error, 'parent_id')} autoFocus />
        <p className="field__hint">Its subcategories and products move with it.</p>
        <div className="dialog__actions">
          <button type="button" className="button button--secondary" onClick={onClose} disabled={busy}>
            Cancel
          </button>
          <button type="submit" className="button" disabled={busy}>
            {busy ? 'Moving…' : 'Move'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

function DeleteDialog({ category, onClose, onDeleted }: { category: Category; onClose: () => void; onDeleted: () => void }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  async function confirm() {
    setBusy(true);
    try {
      await catalogApi.deleteCategory(category.id);
      onDeleted();
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  }
  return (
    <ConfirmDialog
      title={`Delete “${category.name}”?`}
      message={<p>Only an empty category can be deleted: move its subcategories and products elsewhere first.</p>}
      confirmLabel="Delete category"
      danger
      busy={busy}
      error={<ProblemAlert error={error} />}
      onConfirm={confirm}
      onCancel={onClose}
    />
  );
}
