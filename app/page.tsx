import { NewWorkspaceButton } from '../components/NewWorkspaceButton';

export default function Home() {
  return (
    <main className="home">
      <div className="home-card">
        <h1 className="home-title">
          <span className="home-mark" aria-hidden="true">
            ›
          </span>
          Lookahead
        </h1>
        <p className="home-pitch">A cloud IDE in your browser whose AI predicts your next edit.</p>
        <NewWorkspaceButton />
      </div>
    </main>
  );
}
