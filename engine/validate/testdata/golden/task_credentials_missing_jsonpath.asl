{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","Credentials":{"Role":"x"},"End":true}}}
