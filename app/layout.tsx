import type { Metadata, Viewport } from 'next';
import type { ReactNode } from 'react';
import './globals.css';

export const metadata: Metadata = {
  title: 'Lookahead',
  description: 'A browser-based cloud IDE whose AI predicts your next edit.',
};

export const viewport: Viewport = {
  colorScheme: 'dark',
  themeColor: '#21252b',
};

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en" className="dark">
      <body>{children}</body>
    </html>
  );
}
