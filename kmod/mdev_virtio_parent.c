// SPDX-License-Identifier: GPL-2.0-only
/*
 * mdev_virtio_parent.c: parents and their types.
 *
 * A parent is any struct device; registering it adds
 * <parent>/mdev_supported_types/<type-id>/ for each type, a link
 * /sys/class/mdev_virtio_bus/<parent>, and a KOBJ_CHANGE uevent with
 * MDEV_STATE=registered.  Unregistering removes every device of the parent
 * first.  A type's kobject is referenced by each of its devices, so it may
 * outlive the parent's registration, but its sysfs files may not: they are the
 * only users of type->parent and type->info.
 */
#include <linux/delay.h>
#include <linux/kernfs.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/sysfs.h>
#include <linux/uuid.h>

#include "mdev_virtio_private.h"

static struct class_compat *mdev_virtio_compat_class;
LIST_HEAD(mdev_virtio_parents);	/* under mdev_virtio_lock */

struct mdev_virtio_type_attribute {
	struct attribute attr;
	ssize_t (*show)(struct mdev_virtio_type *type, char *buf);
	ssize_t (*store)(struct mdev_virtio_type *type, const char *buf, size_t count);
};

#define to_type_attr(a) container_of(a, struct mdev_virtio_type_attribute, attr)

static ssize_t mdev_virtio_type_attr_show(struct kobject *kobj, struct attribute *attr, char *buf)
{
	struct mdev_virtio_type_attribute *tattr = to_type_attr(attr);

	return tattr->show ? tattr->show(to_mdev_virtio_type(kobj), buf) : -EIO;
}

static ssize_t mdev_virtio_type_attr_store(struct kobject *kobj, struct attribute *attr,
					   const char *buf, size_t count)
{
	struct mdev_virtio_type_attribute *tattr = to_type_attr(attr);

	return tattr->store ? tattr->store(to_mdev_virtio_type(kobj), buf, count) : -EIO;
}

static const struct sysfs_ops mdev_virtio_type_sysfs_ops = {
	.show = mdev_virtio_type_attr_show,
	.store = mdev_virtio_type_attr_store,
};

/* Like mdev: exactly a UUID, optionally followed by a newline. */
static ssize_t create_store(struct mdev_virtio_type *type, const char *buf, size_t count)
{
	char str[UUID_STRING_LEN + 1];
	guid_t uuid;
	int ret;

	if (count != UUID_STRING_LEN && !(count == UUID_STRING_LEN + 1 && buf[count - 1] == '\n'))
		return -EINVAL;
	memcpy(str, buf, UUID_STRING_LEN);
	str[UUID_STRING_LEN] = '\0';
	if (guid_parse(str, &uuid))
		return -EINVAL;

	ret = mdev_virtio_device_create(type, &uuid);
	return ret ? ret : count;
}

static ssize_t name_show(struct mdev_virtio_type *type, char *buf)
{
	return sysfs_emit(buf, "%s\n", type->info->name);
}

static ssize_t description_show(struct mdev_virtio_type *type, char *buf)
{
	return sysfs_emit(buf, "%s\n", type->info->description ?: "");
}

static ssize_t available_instances_show(struct mdev_virtio_type *type, char *buf)
{
	unsigned int avail;

	mutex_lock(&mdev_virtio_lock);
	avail = type->max_instances - type->instances;
	mutex_unlock(&mdev_virtio_lock);
	return sysfs_emit(buf, "%u\n", avail);
}

static ssize_t device_api_show(struct mdev_virtio_type *type, char *buf)
{
	return sysfs_emit(buf, "%s\n", mdev_virtio_class_name(type->class_id));
}

static ssize_t virtio_device_id_show(struct mdev_virtio_type *type, char *buf)
{
	return sysfs_emit(buf, "%u\n", type->device_id);
}

#define TYPE_ATTR_RO(_name) \
	static struct mdev_virtio_type_attribute type_attr_##_name = __ATTR_RO(_name)
#define TYPE_ATTR_WO(_name) \
	static struct mdev_virtio_type_attribute type_attr_##_name = __ATTR_WO(_name)

TYPE_ATTR_WO(create);
TYPE_ATTR_RO(name);
TYPE_ATTR_RO(description);
TYPE_ATTR_RO(available_instances);
TYPE_ATTR_RO(device_api);
TYPE_ATTR_RO(virtio_device_id);

static struct attribute *mdev_virtio_type_attrs[] = {
	&type_attr_create.attr,
	&type_attr_name.attr,
	&type_attr_description.attr,
	&type_attr_available_instances.attr,
	&type_attr_device_api.attr,
	&type_attr_virtio_device_id.attr,
	NULL,
};
ATTRIBUTE_GROUPS(mdev_virtio_type);

static void mdev_virtio_type_release(struct kobject *kobj)
{
	struct mdev_virtio_type *type = to_mdev_virtio_type(kobj);

	kfree(type->dev_groups);
	kfree(type);
	mdev_virtio_releases_done(&mdev_virtio_releases);
}

static const struct kobj_type mdev_virtio_type_ktype = {
	.release = mdev_virtio_type_release,
	.sysfs_ops = &mdev_virtio_type_sysfs_ops,
	.default_groups = mdev_virtio_type_groups,
};

/* The attribute groups of the type's devices: config, then the parent's. */
static const struct attribute_group **
mdev_virtio_type_dev_groups(const struct mdev_virtio_type_info *info)
{
	const struct attribute_group **groups;
	unsigned int n = 0, i;

	while (info->dev_groups && info->dev_groups[n])
		n++;
	groups = kcalloc(n + 2, sizeof(*groups), GFP_KERNEL);
	if (!groups)
		return NULL;
	groups[0] = &mdev_virtio_config_group;
	for (i = 0; i < n; i++)
		groups[i + 1] = info->dev_groups[i];
	return groups;
}

/* "<parent driver>-<name>"; a parent with no driver, bus or class uses its name. */
static const char *mdev_virtio_parent_prefix(struct device *dev)
{
	const char *drv = dev_driver_string(dev);

	return drv && *drv ? drv : dev_name(dev);
}

static struct mdev_virtio_type *mdev_virtio_type_add(struct mdev_virtio_parent *parent,
						     const struct mdev_virtio_type_info *info)
{
	struct mdev_virtio_type *type;
	int ret;

	type = kzalloc(sizeof(*type), GFP_KERNEL);
	if (!type)
		return ERR_PTR(-ENOMEM);
	type->parent = parent;
	type->info = info;
	type->class_id = info->class_id;
	type->device_id = info->device_id;
	type->max_vqp = info->max_vqp ?: 1;
	type->max_instances = info->max_instances;
	type->dev_groups = mdev_virtio_type_dev_groups(info);
	if (!type->dev_groups) {
		kfree(type);
		return ERR_PTR(-ENOMEM);
	}

	type->kobj.kset = parent->types_kset;
	/* Its release and ktype are ours: counted until the release ran. */
	mdev_virtio_releases_add(&mdev_virtio_releases);
	ret = kobject_init_and_add(&type->kobj, &mdev_virtio_type_ktype, NULL, "%s-%s",
				   mdev_virtio_parent_prefix(parent->dev), info->name);
	if (ret)
		goto err_put;

	type->devices_kobj = kobject_create_and_add("devices", &type->kobj);
	if (!type->devices_kobj) {
		ret = -ENOMEM;
		goto err_del;
	}
	return type;

err_del:
	kobject_del(&type->kobj);
err_put:
	kobject_put(&type->kobj);
	return ERR_PTR(ret);
}

static void mdev_virtio_type_remove(struct mdev_virtio_type *type)
{
	kobject_put(type->devices_kobj);
	kobject_del(&type->kobj);
	kobject_put(&type->kobj);
}

static void mdev_virtio_types_remove(struct mdev_virtio_parent *parent)
{
	unsigned int i;

	for (i = 0; i < parent->nr_types; i++)
		mdev_virtio_type_remove(parent->types[i]);
	kfree(parent->types);
	parent->types = NULL;
	parent->nr_types = 0;
	kset_unregister(parent->types_kset);
	parent->types_kset = NULL;
}

static int mdev_virtio_types_add(struct mdev_virtio_parent *parent,
				 const struct mdev_virtio_type_info *infos, unsigned int nr)
{
	struct kernfs_node *taken;
	unsigned int i;

	/* A vfio-mdev parent already has the directory: say so, not -ENOMEM. */
	taken = kernfs_find_and_get(parent->dev->kobj.sd, "mdev_supported_types");
	if (taken) {
		kernfs_put(taken);
		dev_err(parent->dev, "already the parent of another mdev bus (mdev_supported_types exists)\n");
		return -EEXIST;
	}
	parent->types_kset = kset_create_and_add("mdev_supported_types", NULL,
						 &parent->dev->kobj);
	if (!parent->types_kset)
		return -ENOMEM;
	parent->types = kcalloc(nr, sizeof(*parent->types), GFP_KERNEL);
	if (!parent->types)
		goto err;
	for (i = 0; i < nr; i++) {
		struct mdev_virtio_type *type = mdev_virtio_type_add(parent, &infos[i]);

		if (IS_ERR(type)) {
			mdev_virtio_types_remove(parent);
			return PTR_ERR(type);
		}
		parent->types[parent->nr_types++] = type;
	}
	return 0;

err:
	mdev_virtio_types_remove(parent);
	return -ENOMEM;
}

static bool mdev_virtio_type_info_valid(const struct mdev_virtio_type_info *info)
{
	const struct mdev_virtio_ops *ops = info->ops;

	if (!info->name || !*info->name || strchr(info->name, '/') || !info->device_id)
		return false;
	if (info->class_id != MDEV_VIRTIO_CLASS_ID_VIRTIO &&
	    info->class_id != MDEV_VIRTIO_CLASS_ID_VHOST)
		return false;
	return ops && ops->set_vq_address && ops->set_vq_num && ops->kick_vq &&
	       ops->set_vq_cb && ops->set_vq_ready && ops->get_vq_ready &&
	       ops->set_vq_state && ops->get_vq_state && ops->get_vq_align &&
	       ops->get_features && ops->set_features && ops->set_config_cb &&
	       ops->get_vq_num_max && ops->get_device_id && ops->get_vendor_id &&
	       ops->get_status && ops->set_status && ops->get_config && ops->set_config;
}

static void mdev_virtio_parent_uevent(struct device *dev, bool registered)
{
	char *env[] = { registered ? "MDEV_STATE=registered" : "MDEV_STATE=unregistered",
			NULL };

	kobject_uevent_env(&dev->kobj, KOBJ_CHANGE, env);
}

/* Claim @dev for @parent: -EEXIST if it is already a parent. */
static int mdev_virtio_parent_claim(struct mdev_virtio_parent *parent, struct device *dev)
{
	struct mdev_virtio_parent *p;
	int ret = 0;

	mutex_lock(&mdev_virtio_lock);
	list_for_each_entry(p, &mdev_virtio_parents, node) {
		if (p->dev == dev) {
			ret = -EEXIST;
			break;
		}
	}
	if (!ret) {
		parent->dev = dev;
		list_add_tail(&parent->node, &mdev_virtio_parents);
		mdev_virtio_lists_changed();
	}
	mutex_unlock(&mdev_virtio_lock);
	return ret;
}

static void mdev_virtio_parent_release(struct mdev_virtio_parent *parent)
{
	mutex_lock(&mdev_virtio_lock);
	list_del_init(&parent->node);
	mdev_virtio_lists_changed();
	mutex_unlock(&mdev_virtio_lock);
}

/**
 * mdev_virtio_register_parent() - make a device a parent of mediated devices
 * @parent: bus bookkeeping, embedded in the caller's state; must stay valid
 *          until mdev_virtio_unregister_parent() returns
 * @dev: the parent device, which must stay registered until then
 * @ops: create/remove callbacks
 * @types: the types it offers; the table must outlive the registration
 * @nr_types: number of entries in @types
 *
 * Context: process context; takes mdev_virtio_lock.
 * Return: 0, -EINVAL for a bad table, -EEXIST if @dev is already a parent,
 * -ENOMEM.
 */
int mdev_virtio_register_parent(struct mdev_virtio_parent *parent, struct device *dev,
				const struct mdev_virtio_parent_ops *ops,
				const struct mdev_virtio_type_info *types, unsigned int nr_types)
{
	unsigned int i;
	int ret;

	if (!parent || !dev || !ops || !ops->create || !ops->remove || !types || !nr_types)
		return -EINVAL;
	for (i = 0; i < nr_types; i++) {
		if (!mdev_virtio_type_info_valid(&types[i]))
			return -EINVAL;
	}

	memset(parent, 0, sizeof(*parent));
	init_rwsem(&parent->unreg_sem);
	parent->ops = ops;
	ret = mdev_virtio_parent_claim(parent, dev);
	if (ret)
		return ret;

	/*
	 * Held for writing until every type and the link exist: a create
	 * written into the first type's file meanwhile fails (-ENODEV) instead
	 * of making a device that a failed registration would leave behind.
	 */
	down_write(&parent->unreg_sem);
	ret = mdev_virtio_types_add(parent, types, nr_types);
	if (ret)
		goto err_release;
	ret = class_compat_create_link(mdev_virtio_compat_class, dev, NULL);
	if (ret)
		goto err_types;
	up_write(&parent->unreg_sem);

	mdev_virtio_parent_uevent(dev, true);
	dev_info(dev, "mdev_virtio parent registered, %u types\n", nr_types);
	return 0;

err_types:
	mdev_virtio_types_remove(parent);
err_release:
	up_write(&parent->unreg_sem);
	mdev_virtio_parent_release(parent);
	return ret;
}
EXPORT_SYMBOL_GPL(mdev_virtio_register_parent);

/**
 * mdev_virtio_unregister_parent() - remove a parent and all its devices
 * @parent: a parent registered with mdev_virtio_register_parent()
 *
 * Waits for creates and removes in progress, makes new ones fail with
 * -ENODEV, removes every device of the parent (unbinding its driver), then
 * the types.  Afterwards the bus calls nothing of the parent's.
 *
 * Context: process context; may sleep for as long as drivers take to unbind.
 */
void mdev_virtio_unregister_parent(struct mdev_virtio_parent *parent)
{
	struct device *dev = parent->dev;

	/* First stop creates and removes, then take it apart, then forget it. */
	down_write(&parent->unreg_sem);
	class_compat_remove_link(mdev_virtio_compat_class, dev, NULL);
	mdev_virtio_remove_parent_devices(parent);
	mdev_virtio_types_remove(parent);
	up_write(&parent->unreg_sem);
	mdev_virtio_parent_release(parent);

	mdev_virtio_parent_uevent(dev, false);
}
EXPORT_SYMBOL_GPL(mdev_virtio_unregister_parent);

int mdev_virtio_parents_init(void)
{
	mdev_virtio_compat_class = class_compat_register(MDEV_VIRTIO_CLASS_COMPAT_NAME);
	return mdev_virtio_compat_class ? 0 : -ENOMEM;
}

/*
 * /sys/class/<name>, if it exists.  kernel_kobj is /sys/kernel, so its
 * parent is the root of sysfs.
 */
static bool mdev_virtio_compat_dir_exists(void)
{
	struct kernfs_node *class_kn, *kn;

	class_kn = kernfs_find_and_get(kernel_kobj->sd->parent, "class");
	if (!class_kn)
		return false;
	kn = kernfs_find_and_get(class_kn, MDEV_VIRTIO_CLASS_COMPAT_NAME);
	kernfs_put(class_kn);
	kernfs_put(kn);
	return kn;
}

/*
 * class_compat_unregister() drops the directory's last reference without
 * deleting it first, so the directory goes with the kobject's release, and
 * CONFIG_DEBUG_KOBJECT_RELEASE defers that by seconds: the module would be
 * gone with /sys/class/mdev_virtio_bus still there, and loading it again would
 * fail (-EEXIST) meanwhile.  Nothing of ours is in that kobject (its type,
 * name and memory are the core's), so this wait is for a clean unload only,
 * and seeing the directory gone is all it needs.
 */
void mdev_virtio_parents_exit(void)
{
	class_compat_unregister(mdev_virtio_compat_class);
	mdev_virtio_compat_class = NULL;
	while (mdev_virtio_compat_dir_exists())
		msleep(20);
}
