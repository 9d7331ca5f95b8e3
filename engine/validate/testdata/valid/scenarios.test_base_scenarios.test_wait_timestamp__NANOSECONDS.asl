{
 "Comment": "WAIT_TIMESTAMP",
 "StartAt": "WaitUntil",
 "States": {
  "WaitUntil": {
   "Type": "Wait",
   "Timestamp": "2016-03-05T21:29:29.243167252Z",
   "End": true
  }
 }
}