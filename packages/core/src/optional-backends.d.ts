// Optional backend packages: loaded on demand by backend.ts, absent unless the application installs them.
declare module '@tensorflow/tfjs-backend-webgpu';
declare module '@tensorflow/tfjs-node';
