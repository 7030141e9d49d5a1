/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Mediated virtio bus: the in-kernel API of mdev_virtio.ko.
 *
 * Three kinds of users:
 *  - a *parent* (hardware or a simulator) registers itself with a table of
 *    types; userspace then creates GUID-named devices of those types through
 *    sysfs, and the bus calls the parent's create()/remove() for each;
 *  - a *class driver* (virtio_mdev, vhost_mdev) binds devices whose class id
 *    it lists, and drives them through struct mdev_virtio_ops;
 *  - userspace, through the sysfs ABI described in DESIGN.md section 1.
 *
 * Ownership: the bus allocates, names and frees every struct
 * mdev_virtio_device; the parent owns only what it hangs off the device with
 * mdev_virtio_set_parent_data().  The ops are called by the bound class
 * driver (and the read-only ones by anyone, see struct mdev_virtio_ops),
 * never after the parent's remove() was called.
 *
 * Address spaces: a virtio-class device is handed DMA addresses that
 * virtio_ring mapped on the mediated device (physical ones unless
 * VIRTIO_F_ACCESS_PLATFORM is negotiated; then whatever the DMA ops of its
 * DMA device, mdev->dma_dev, gave); a vhost-class device is handed IOVAs
 * of a userspace driver, translated in one of three ways, which vhost_mdev
 * picks when it binds, in this order:
 *  - the parent's own, whole: @set_map gives it the whole IOTLB
 *    (IOVA -> physical address of pinned pages, with permissions);
 *  - the parent's own, incremental: @dma_map/@dma_unmap, one entry at a time;
 *  - the platform IOMMU: the parent has neither, and its DMA device
 *    (mdev->dma_dev) is in an IOMMU group; vhost_mdev attaches it to an
 *    unmanaged IOMMU domain of its own while the node is open and maps the
 *    IOTLB into it, so the device's DMA goes through the IOMMU.  The DMA
 *    device must be alone in its group, not used by a driver for DMA, and
 *    behind an IOMMU that keeps DMA cache-coherent.
 * A parent with none of these cannot be bound (-EOPNOTSUPP).  The map
 * survives a status reset; vhost_mdev replaces it with an empty one (or
 * detaches the domain) when its user goes away.
 */
#ifndef _LINUX_MDEV_VIRTIO_H
#define _LINUX_MDEV_VIRTIO_H

#include <linux/device.h>
#include <linux/if_ether.h>
#include <linux/interrupt.h>
#include <linux/list.h>
#include <linux/rwsem.h>
#include <linux/uuid.h>
#include <linux/workqueue.h>
#include <uapi/linux/mdev_virtio.h>

struct mdev_virtio_device;
struct mdev_virtio_type;
struct vhost_iotlb;

/**
 * struct mdev_virtio_callback - an interrupt the device raises
 * @callback: called by the device like an interrupt handler: in atomic
 *            context, with at least softirqs disabled; must not sleep
 * @private: argument to @callback
 */
struct mdev_virtio_callback {
	irqreturn_t (*callback)(void *private);
	void *private;
};

/**
 * struct mdev_virtio_vq_stats - counters of one virtqueue
 * @kicks: notifications the driver sent
 * @completed: buffers the device used: packets (net), requests (blk)
 * @descriptors: data descriptors of those buffers (those in indirect tables
 *               included, the ones pointing at the tables not)
 * @bytes: payload moved: frames without the virtio-net header, blk data
 * @errors: malformed buffers or rings, and requests that failed
 * @drops: packets lost: no receive buffer, one too small, or no peer ready
 */
struct mdev_virtio_vq_stats {
	u64 kicks;
	u64 completed;
	u64 descriptors;
	u64 bytes;
	u64 errors;
	u64 drops;
};

/**
 * struct mdev_virtio_ops - the device interface a class driver drives
 * @set_vq_address: set the desc/driver/device areas of a vq (driver
 *                  addresses); 0 or -errno
 * @set_vq_num: set the size of a vq
 * @kick_vq: the driver made buffers available in a vq
 * @set_vq_cb: set the interrupt of a vq (@cb is copied)
 * @set_vq_ready: enable or disable a vq
 * @get_vq_ready: whether a vq is enabled
 * @set_vq_state: set a vq's next available index (a split ring's
 *                last_avail_idx); 0 or -errno
 * @get_vq_state: get a vq's next available index
 * @get_vq_align: alignment the device wants for the vq areas (may be 64 KiB)
 * @get_features: the features the device offers
 * @get_driver_features: the features the driver accepted (0 before any)
 * @set_features: the features the driver accepted; 0 or -EINVAL
 * @set_config_cb: set the config-change interrupt (@cb is copied)
 * @get_vq_num_max: largest vq size the device supports
 * @get_vq_num_min: optional: smallest vq size it supports (absent: 1)
 * @get_device_id: virtio device id (1 net, 2 blk)
 * @get_vendor_id: virtio vendor id
 * @get_status: the virtio status byte
 * @set_status: set the virtio status byte; 0 resets the device, and when it
 *              returns the device no longer touches the rings nor raises any
 *              callback
 * @reset: optional: the same reset, able to fail (a hardware parent whose
 *         device does not come back); 0 or -errno.  Used instead of
 *         set_status(0) where present.
 * @suspend: optional: stop processing the queues, keeping their state
 *           (vhost-vdpa's VHOST_VDPA_SUSPEND); the device resumes only
 *           through a reset.  0 or -errno.
 * @get_vq_notification: optional: the physical address and size of a vq's
 *                       doorbell, for a client that maps it; 0 or -errno
 * @get_vq_irq: optional: the interrupt a vq raises, for irq bypass; the irq
 *              number or -errno.  (vhost_mdev does not map doorbells nor
 *              bypass interrupts yet: mvsim has neither to test them with;
 *              these two are the contract for parents that do.)
 * @get_config: read the device config space (out-of-range bytes read as 0)
 * @set_config: write the device config space
 * @get_generation: the config generation counter (optional, 0 if missing)
 * @get_config_size: size of the device config space in bytes
 * @set_map: vhost class: the device's whole address translation, an IOTLB
 *           of IOVA ranges mapped to physical addresses (VHOST_MAP_RO,
 *           VHOST_MAP_WO, VHOST_MAP_RW); the device copies what it needs.
 *           When it returns, the device no longer uses any translation of
 *           the previous map (queues whose rings are no longer mapped stop,
 *           as for a malformed ring), so the caller may unpin what only the
 *           previous map covered.  0 or -errno (the previous map stays).
 *           Vhost-class devices need @set_map, or @dma_map and @dma_unmap,
 *           or a DMA device on the platform IOMMU (see "Address spaces").
 * @dma_map: vhost class, instead of @set_map: add one mapping of
 *           [iova, iova + size) to physical address @pa (VHOST_MAP_*
 *           permissions); 0 or -errno (nothing mapped)
 * @dma_unmap: remove the mappings inside [iova, iova + size); when it
 *             returns the device no longer uses them.  Cannot fail.
 * @dma_notify: platform IOMMU only, optional: for a device that reaches
 *              memory through the CPU instead of by DMA through the
 *              IOMMU (a simulator), which an IOMMU flush can neither check
 *              nor stop.  [iova, iova + size) was just mapped in the
 *              domain with VHOST_MAP_* @perm, or (@perm 0) is about to be
 *              unmapped from it: when the call returns the device no longer
 *              uses it.  Hardware parents leave it NULL.
 * @get_vq_stats: optional: the counters of vq @idx (< nvqs) since creation
 *                or its last @clear_vq_stats; 0 or -errno.  May sleep.
 * @clear_vq_stats: optional (with @get_vq_stats): zero the counters of vq
 *                  @idx.  May sleep.
 *
 * Mandatory: all but @get_generation, @set_map, @dma_map, @dma_unmap, @dma_notify,
 * @get_vq_num_min,
 * @get_driver_features, @reset, @suspend, @get_vq_notification,
 * @get_vq_irq, @get_vq_stats and @clear_vq_stats.  Called in process
 * context, except @kick_vq which may be called in atomic context.
 *
 * Without a class driver bound, between create() and remove(), anyone may
 * call the read-only ones: @get_device_id, @get_vendor_id, @get_features,
 * @get_driver_features, @get_status, @get_config_size, @get_config,
 * @get_generation, @get_vq_num_max and @get_vq_num_min (management reads
 * the status and features of unbound devices), and @get_vq_stats and
 * @clear_vq_stats, which management uses whether or not a driver is bound
 * and concurrently with the datapath.  The rest only the bound class
 * driver calls; it changes the status through mdev_virtio_set_status() and
 * mdev_virtio_reset_device(), so that listeners hear of it.
 * The order follows the virtio 1.x device initialisation: reset, features,
 * vq set-up, DRIVER_OK.
 */
struct mdev_virtio_ops {
	int (*set_vq_address)(struct mdev_virtio_device *mdev, u16 idx, u64 desc_area,
			      u64 driver_area, u64 device_area);
	void (*set_vq_num)(struct mdev_virtio_device *mdev, u16 idx, u32 num);
	void (*kick_vq)(struct mdev_virtio_device *mdev, u16 idx);
	void (*set_vq_cb)(struct mdev_virtio_device *mdev, u16 idx,
			  const struct mdev_virtio_callback *cb);
	void (*set_vq_ready)(struct mdev_virtio_device *mdev, u16 idx, bool ready);
	bool (*get_vq_ready)(struct mdev_virtio_device *mdev, u16 idx);
	int (*set_vq_state)(struct mdev_virtio_device *mdev, u16 idx, u64 state);
	u64 (*get_vq_state)(struct mdev_virtio_device *mdev, u16 idx);
	u32 (*get_vq_align)(struct mdev_virtio_device *mdev);
	u64 (*get_features)(struct mdev_virtio_device *mdev);
	int (*set_features)(struct mdev_virtio_device *mdev, u64 features);
	void (*set_config_cb)(struct mdev_virtio_device *mdev,
			      const struct mdev_virtio_callback *cb);
	u16 (*get_vq_num_max)(struct mdev_virtio_device *mdev);
	u32 (*get_device_id)(struct mdev_virtio_device *mdev);
	u32 (*get_vendor_id)(struct mdev_virtio_device *mdev);
	u8 (*get_status)(struct mdev_virtio_device *mdev);
	void (*set_status)(struct mdev_virtio_device *mdev, u8 status);
	void (*get_config)(struct mdev_virtio_device *mdev, unsigned int offset, void *buf,
			   unsigned int len);
	void (*set_config)(struct mdev_virtio_device *mdev, unsigned int offset,
			   const void *buf, unsigned int len);
	u32 (*get_generation)(struct mdev_virtio_device *mdev);
	size_t (*get_config_size)(struct mdev_virtio_device *mdev);
	int (*set_map)(struct mdev_virtio_device *mdev, struct vhost_iotlb *iotlb);
	int (*dma_map)(struct mdev_virtio_device *mdev, u64 iova, u64 size, u64 pa, u32 perm);
	void (*dma_unmap)(struct mdev_virtio_device *mdev, u64 iova, u64 size);
	void (*dma_notify)(struct mdev_virtio_device *mdev, u64 iova, u64 size, u32 perm);
	u16 (*get_vq_num_min)(struct mdev_virtio_device *mdev);
	u64 (*get_driver_features)(struct mdev_virtio_device *mdev);
	int (*reset)(struct mdev_virtio_device *mdev);
	int (*suspend)(struct mdev_virtio_device *mdev);
	int (*get_vq_notification)(struct mdev_virtio_device *mdev, u16 idx, phys_addr_t *addr,
				   size_t *size);
	int (*get_vq_irq)(struct mdev_virtio_device *mdev, u16 idx);
	int (*get_vq_stats)(struct mdev_virtio_device *mdev, u16 idx,
			    struct mdev_virtio_vq_stats *stats);
	void (*clear_vq_stats)(struct mdev_virtio_device *mdev, u16 idx);
};

/**
 * struct mdev_virtio_dev_config - provisioning attributes of a device
 * @mac: net: the MAC address the device reports
 * @mtu: net: the MTU the device reports
 * @max_vqp: net: number of queue pairs
 * @capacity: blk: size in 512-byte sectors
 *
 * Userspace writes these through sysfs while no driver is bound; the parent
 * reads them when the device is reset.  While a driver is bound they do not
 * change.
 */
struct mdev_virtio_dev_config {
	u8 mac[ETH_ALEN];
	u16 mtu;
	u16 max_vqp;
	u64 capacity;
};

/**
 * struct mdev_virtio_device - a mediated virtio device
 * @dev: the device on the mdev_virtio bus, named after @uuid ("%pUl")
 * @uuid: the GUID userspace created it with
 * @class_id: %MDEV_VIRTIO_CLASS_ID_VIRTIO or %MDEV_VIRTIO_CLASS_ID_VHOST
 * @device_id: virtio device id
 * @ops: the device interface, from the type
 * @config: provisioning attributes, see struct mdev_virtio_dev_config
 * @nvqs: number of virtqueues, set by the parent's create()
 * @type_info: the type the device was created from (the parent's entry)
 * @dma_dev: the device that does DMA for it: the mediated device itself
 *           (default; the parent may install DMA ops on it in create()), or
 *           one the parent names in create(), such as its PCI function, to
 *           which the bus then forwards the DMA API calls made on the
 *           mediated device
 *
 * The remaining members belong to the bus.
 */
struct mdev_virtio_device {
	struct device dev;
	guid_t uuid;
	u16 class_id;
	u32 device_id;
	const struct mdev_virtio_ops *ops;
	struct mdev_virtio_dev_config config;
	unsigned int nvqs;
	const struct mdev_virtio_type_info *type_info;
	struct device *dma_dev;

	/* private: to mdev_virtio.ko */
	struct mdev_virtio_type *type;
	struct list_head node;
	unsigned int state;
	unsigned long flags;
	void *parent_data;
	struct work_struct event_work;	/* config-change events, holds a reference */
	u8 last_status;			/* the status byte last reported */
};

#define to_mdev_virtio_device(d) container_of(d, struct mdev_virtio_device, dev)

/**
 * struct mdev_virtio_parent_ops - what the bus asks of a parent
 * @create: set up a new device (called before it is added; @mdev->config
 *          holds the defaults, which create() may change; @mdev->type_info
 *          says which type it is for); set @mdev->nvqs, and @mdev->dma_dev
 *          or DMA ops on @mdev->dev if not direct mapping; 0 or -errno
 * @remove: tear a device down; no driver is bound any more and no op will be
 *          called again
 * @config_update: optional: accept (0) or refuse (-errno) new provisioning
 *          attributes, called with the device lock held while no driver is
 *          bound; the bus stores them on success
 */
struct mdev_virtio_parent_ops {
	int (*create)(struct mdev_virtio_device *mdev);
	void (*remove)(struct mdev_virtio_device *mdev);
	int (*config_update)(struct mdev_virtio_device *mdev,
			     const struct mdev_virtio_dev_config *config);
};

/**
 * struct mdev_virtio_type_info - one kind of device a parent can create
 * @name: sysfs name; the type id is "<parent driver>-<name>"
 * @description: one line for <type>/description
 * @class_id: class of its devices (%MDEV_VIRTIO_CLASS_ID_*)
 * @device_id: virtio device id of its devices
 * @max_instances: how many may exist at once
 * @max_vqp: net: largest max_vqp accepted (0 means 1)
 * @ops: the device interface of its devices
 * @dev_groups: optional extra attributes of its devices (NULL-terminated)
 */
struct mdev_virtio_type_info {
	const char *name;
	const char *description;
	u16 class_id;
	u32 device_id;
	unsigned int max_instances;
	u16 max_vqp;
	const struct mdev_virtio_ops *ops;
	const struct attribute_group **dev_groups;
};

/**
 * struct mdev_virtio_parent - a registered parent, embedded by its owner
 *
 * All members are private to the bus.  @unreg_sem is taken for reading
 * (trylock) by every create and remove, and for writing by unregistration,
 * which thereby waits for them and makes new ones fail with -ENODEV.
 */
struct mdev_virtio_parent {
	/* private: */
	struct device *dev;
	const struct mdev_virtio_parent_ops *ops;
	struct kset *types_kset;
	struct mdev_virtio_type **types;
	unsigned int nr_types;
	struct rw_semaphore unreg_sem;
	struct list_head node;
};

int mdev_virtio_register_parent(struct mdev_virtio_parent *parent, struct device *dev,
				const struct mdev_virtio_parent_ops *ops,
				const struct mdev_virtio_type_info *types, unsigned int nr_types);
void mdev_virtio_unregister_parent(struct mdev_virtio_parent *parent);

/**
 * struct mdev_virtio_class_id - a class id a driver binds
 * @id: %MDEV_VIRTIO_CLASS_ID_*, 0 terminates a table
 */
struct mdev_virtio_class_id {
	u16 id;
};

/**
 * struct mdev_virtio_driver - a class driver
 * @driver: the driver-core driver; set .name
 * @id_table: class ids it binds, terminated by { 0 }
 * @probe: bind a device; 0 or -errno
 * @remove: unbind a device, leaving it reset (status 0): config attributes
 *          may change and the parent may free it once no driver is bound
 */
struct mdev_virtio_driver {
	struct device_driver driver;
	const struct mdev_virtio_class_id *id_table;
	int (*probe)(struct mdev_virtio_device *mdev);
	void (*remove)(struct mdev_virtio_device *mdev);
};

#define to_mdev_virtio_driver(d) container_of(d, struct mdev_virtio_driver, driver)

int __mdev_virtio_register_driver(struct mdev_virtio_driver *drv, struct module *owner);
#define mdev_virtio_register_driver(drv) __mdev_virtio_register_driver(drv, THIS_MODULE)
void mdev_virtio_unregister_driver(struct mdev_virtio_driver *drv);

#define module_mdev_virtio_driver(__drv) \
	module_driver(__drv, mdev_virtio_register_driver, mdev_virtio_unregister_driver)

const char *mdev_virtio_class_name(u16 class_id);

void mdev_virtio_set_status(struct mdev_virtio_device *mdev, u8 status);
int mdev_virtio_reset_device(struct mdev_virtio_device *mdev);
void mdev_virtio_config_changed(struct mdev_virtio_device *mdev);

static inline void *mdev_virtio_get_parent_data(const struct mdev_virtio_device *mdev)
{
	return mdev->parent_data;
}

static inline void mdev_virtio_set_parent_data(struct mdev_virtio_device *mdev, void *data)
{
	mdev->parent_data = data;
}

#endif /* _LINUX_MDEV_VIRTIO_H */
