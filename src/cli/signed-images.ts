/**
 * @module Booting goes prepare → sign → up, and this is the one place that does it. The daemon builds the
 * image if it is missing and returns its manifest; if the store holds no signature of it that the host
 * accepts, the CLI checks the manifest (which must come in a reply signed by the host the owner pinned:
 * daemon-client.ts refuses any other), signs its digest with the user's session key (no prompt: the session
 * is the owner's day-to-day authority) and hands the signature back. Then `portal.up` boots it, and the daemon
 * verifies the signature and every artifact right before QEMU starts. The daemon never holds a signing key.
 * A shell that names a Debian archive of its own is first checked against the daemon's (archive-check.ts).
 */
import { MvError } from '../errors/index.js';
import { imageManifestDigest } from '../image/index.js';
import type { MethodParamsInput, MethodResult } from '../protocol/index.js';
import { loadSession } from '../scramble/host/index.js';
import { type JsonValue, signImageManifest } from '../scramble/index.js';
import { requireDaemonArchiveAgrees } from './archive-check.js';
import { type CallOptions, callDaemon, callPinnedHost } from './daemon-client.js';

/** A prepared image, signed by the owner. */
export interface SignedImage {
  readonly prepared: MethodResult<'image.prepare'>;
  /** Whether this call signed it (false: the store already held a valid signature). */
  readonly signedNow: boolean;
}

/** How to prepare: `refresh` builds the formula's Debian layers again from today's archive. */
export interface PrepareOptions extends CallOptions {
  readonly refresh?: boolean;
}

/** Builds the formula's image if needed and makes sure it carries the owner's signature. */
export async function prepareSignedImage(formula: string, options: PrepareOptions): Promise<SignedImage> {
  await requireDaemonArchiveAgrees(options);
  const { result: prepared, host } = await callPinnedHost(
    'image.prepare',
    { formula, refresh: options.refresh === true },
    options,
  );
  if (prepared.signed) return { prepared, signedNow: false };
  const { manifest } = prepared;
  const digest = imageManifestDigest(manifest);
  // Sign what was received and checked here, never a digest taken on trust.
  if (digest !== prepared.manifestDigest || manifest.imageKey !== prepared.imageKey) {
    throw new MvError(
      'daemon.protocol',
      `The daemon's manifest of ${prepared.node} does not match its digest`,
      {
        hint: 'Nothing was signed. Check that the daemon and this CLI are the same version (portalgun doctor).',
      },
    );
  }
  options.onProgress?.(
    `signing ${manifest.node} version ${manifest.version} (${digest.slice(0, 19)}) from host ${host.hostId} (${host.fingerprint})`,
  );
  const signature = signImageManifest(digest, loadSession().signing, { now: Date.now() });
  const signed = await callDaemon(
    'image.sign',
    {
      node: prepared.node,
      imageKey: prepared.imageKey,
      signature: signature as unknown as Record<string, JsonValue>,
    },
    options,
  );
  return { prepared: { ...prepared, signed: true, signer: signed.signer }, signedNow: true };
}

/** Starts a portal: its image prepared and signed first, then `portal.up`. */
export async function upPortal(
  params: MethodParamsInput<'portal.up'>,
  options: CallOptions,
): Promise<MethodResult<'portal.up'>> {
  await prepareSignedImage(params.formula, options);
  return callDaemon('portal.up', params, options);
}
