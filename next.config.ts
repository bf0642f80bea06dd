import type { NextConfig } from 'next';

const nextConfig: NextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // The floating dev-tools badge covers the file tree's bottom corner.
  devIndicators: false,
  // The custom server in server/ owns /api, /s and /socket.io; Next serves pages and assets.
  typescript: { ignoreBuildErrors: false },
};

export default nextConfig;
