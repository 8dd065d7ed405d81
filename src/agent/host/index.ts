/**
 * @module The agent domain's adapters as other domains may use them: everything here touches the OS.
 */
export { type AgentClient, connectAgent } from './agent-client.js';
