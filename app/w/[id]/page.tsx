import type { Metadata } from 'next';
import { Workspace } from '../../../components/Workspace';

export const metadata: Metadata = { title: 'Lookahead' };

// Access was checked by the custom server before this request reached Next.
export default async function WorkspacePage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return <Workspace id={id} />;
}
