/**
 * @module The record of what the host gave one portal, kept in a root-only file while the portal runs, so
 * that whoever stops it (the same daemon, or the next one after a restart) gives back exactly that: each
 * PCI function to its old driver, each /dev/vfio group node to its old owner and mode, and each USB device's
 * interfaces to the host's drivers.
 * Pure: no I/O.
 */
import * as z from 'zod';
import { MvError } from '../errors/index.js';

const claimSchema = z
  .object({
    portal: z.string(),
    pci: z.array(
      z.object({ address: z.string(), iommuGroup: z.number().int(), driver: z.string().nullable() }).strict(),
    ),
    groups: z.array(
      z
        .object({
          group: z.number().int(),
          uid: z.number().int(),
          gid: z.number().int(),
          mode: z.number().int(),
        })
        .strict(),
    ),
    usb: z.array(z.string()),
  })
  .strict();

/** What one portal holds, and how each piece was before. */
export type PassthroughClaim = z.infer<typeof claimSchema>;

/** Reads a claim file's text; a damaged one is an error naming it (nothing is guessed). */
export function parseClaim(text: string, file: string): PassthroughClaim {
  try {
    return claimSchema.parse(JSON.parse(text));
  } catch (error) {
    throw new MvError('passthrough.bind-failed', `The passthrough record ${file} is damaged`, {
      hint: 'Give the devices back by hand (see "driver_override" in the kernel\'s sysfs-bus-pci), then remove the file.',
      cause: error,
    });
  }
}

/** Which portal holds each device (PCI address or USB name), from the claims of the running portals. */
export function heldDevices(claims: readonly PassthroughClaim[]): Map<string, string> {
  const held = new Map<string, string>();
  for (const claim of claims) {
    for (const device of [...claim.pci.map((binding) => binding.address), ...claim.usb]) {
      held.set(device, claim.portal);
    }
  }
  return held;
}
